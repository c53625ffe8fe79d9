package synqly

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/filter"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/store"
)

// MaxStateKeyLen is the longest key of a provider's state.
const MaxStateKeyLen = 200

// integrationState is the providers.State of one integration, kept in the
// store as ProviderState objects whose id is "<integration id>/<key>".
type integrationState struct {
	c             *Client
	integrationID string
	accountID     string
}

var _ providers.State = (*integrationState)(nil)

// stateDoc is the stored document of one entry.
type stateDoc struct {
	Key       string          `json:"key"`
	AccountID string          `json:"account_id,omitempty"`
	Value     json.RawMessage `json:"value"`
}

func checkStateKey(key string) error {
	if key == "" || len(key) > MaxStateKeyLen {
		return errs.Invalid("key", "a state key is 1 to %d bytes", MaxStateKeyLen)
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x20 || key[i] > 0x7e {
			return errs.Invalid("key", "a state key is printable ASCII")
		}
	}
	return nil
}

func (s *integrationState) id(key string) string { return s.integrationID + "/" + key }

func (s *integrationState) Get(ctx context.Context, key string) ([]byte, error) {
	if err := checkStateKey(key); err != nil {
		return nil, err
	}
	obj, err := s.c.store.Get(ctx, store.ProviderState, s.id(key))
	if err != nil {
		if errs.CodeOf(err) == errs.NotFound {
			return nil, errs.New(errs.NotFound, "state key %q not found", key)
		}
		return nil, err
	}
	var d stateDoc
	if err := json.Unmarshal(obj.Doc, &d); err != nil {
		return nil, errs.Wrap(errs.Internal, err, "provider state %q is corrupt", key)
	}
	return d.Value, nil
}

func (s *integrationState) Put(ctx context.Context, key string, value []byte) error {
	if err := checkStateKey(key); err != nil {
		return err
	}
	if !json.Valid(value) {
		return errs.Invalid("value", "a state value must be a JSON document")
	}
	doc, err := json.Marshal(stateDoc{Key: key, AccountID: s.accountID, Value: value})
	if err != nil {
		return errs.Wrap(errs.Internal, err, "encoding provider state")
	}
	// A put is a blind write, so losing a race with another writer of the
	// same key (another instance, or the store's version check) is retried.
	for range 8 {
		err = s.c.store.Update(ctx, func(tx store.Tx) error {
			obj, err := tx.Get(ctx, store.ProviderState, s.id(key))
			switch {
			case err == nil:
				obj.Doc = doc
				return tx.Replace(ctx, obj)
			case errs.CodeOf(err) == errs.NotFound:
				return tx.Insert(ctx, &store.Object{Kind: store.ProviderState, ID: s.id(key), Scope: s.integrationID, Doc: doc})
			default:
				return err
			}
		})
		if errs.CodeOf(err) != errs.Conflict {
			return err
		}
	}
	return err
}

func (s *integrationState) Delete(ctx context.Context, key string) error {
	if err := checkStateKey(key); err != nil {
		return err
	}
	return s.c.store.Update(ctx, func(tx store.Tx) error {
		err := tx.Delete(ctx, store.ProviderState, s.id(key))
		if errs.CodeOf(err) == errs.NotFound {
			return errs.New(errs.NotFound, "state key %q not found", key)
		}
		return err
	})
}

// maxRune sorts after every printable-ASCII key.
const maxRune = "\U0010FFFF"

func (s *integrationState) List(ctx context.Context, prefix, after string, limit int) ([]providers.Entry, error) {
	if len(prefix) > MaxStateKeyLen || strings.ContainsFunc(prefix, func(r rune) bool { return r < 0x20 || r > 0x7e }) {
		return nil, errs.Invalid("prefix", "a state key prefix is printable ASCII, at most %d bytes", MaxStateKeyLen)
	}
	if limit <= 0 || limit > filter.MaxLimit {
		limit = filter.MaxLimit
	}
	from := s.id(prefix)
	filters := []string{"id[gte]" + from, "id[lt]" + from + maxRune}
	if after != "" {
		if err := checkStateKey(after); err != nil {
			return nil, err
		}
		filters = append(filters, "id[gt]"+s.id(after))
	}
	b, err := bind(store.ProviderState, ListOptions{Filter: filters, Order: []string{"id"}, Limit: limit})
	if err != nil {
		return nil, err
	}
	p, err := s.c.store.List(ctx, store.ListRequest{Kind: store.ProviderState, Query: b, Scope: s.integrationID})
	if err != nil {
		return nil, err
	}
	out := make([]providers.Entry, 0, len(p.Objects))
	for _, o := range p.Objects {
		var d stateDoc
		if err := json.Unmarshal(o.Doc, &d); err != nil {
			return nil, errs.Wrap(errs.Internal, err, "provider state of %s is corrupt", s.integrationID)
		}
		out = append(out, providers.Entry{Key: d.Key, Value: d.Value})
	}
	return out, nil
}
