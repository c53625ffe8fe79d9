package synqly

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"iter"
	"time"
	"unicode/utf8"

	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/strictjson"
	"github.com/seed-e6251c81/synqly/internal/textcheck"
	"github.com/seed-e6251c81/synqly/store"
)

// OwnerType says what owns a credential.
type OwnerType string

// Owner types.
const (
	OwnerAccount             OwnerType = "account"
	OwnerIntegration         OwnerType = "integration"
	OwnerIntegrationPoint    OwnerType = "integration_point"
	OwnerOrganizationWebhook OwnerType = "organization_webhook"
)

// ManagedType says who governs a credential's life: Managed credentials were
// created inline with an integration and are deleted with it.
type ManagedType string

// Managed types.
const (
	Managed   ManagedType = "Managed"
	Unmanaged ManagedType = "Unmanaged"
)

// Credential is the no-secret view of a stored credential: every Get, List,
// Lookup, Create, Update and Patch returns this, never the secret.
type Credential struct {
	ID                    string    `json:"id"`
	AccountID             string    `json:"account_id,omitempty"`
	IntegrationID         string    `json:"integration_id,omitempty"`
	IntegrationPointID    string    `json:"integration_point_id,omitempty"`
	OrganizationWebhookID string    `json:"organization_webhook_id,omitempty"`
	OwnerType             OwnerType `json:"owner_type"`
	Name                  string    `json:"name"`
	Fullname              string    `json:"fullname"`
	// Config shows the credential's type only.
	Config credential.NoSecret `json:"config"`
	// Expires, when set, is when the credential stops being usable. It
	// must lie between the years 1678 and 2262 (store.MinTime and
	// store.MaxTime); leave it nil for a credential that never expires.
	Expires   *time.Time  `json:"expires,omitempty"`
	Managed   ManagedType `json:"managed"`
	CreatedAt time.Time   `json:"created_at"`
	UpdatedAt time.Time   `json:"updated_at"`
}

// CreateCredentialRequest creates a credential.
type CreateCredentialRequest struct {
	Name     string `json:"name,omitempty"`
	Fullname string `json:"fullname,omitempty"`
	// Config is the credential with its secret; required.
	Config credential.Config `json:"config"`
	// OwnerType says what the owner id names (default account).
	OwnerType OwnerType  `json:"owner_type,omitempty"`
	Expires   *time.Time `json:"expires,omitempty"`
}

// UpdateCredentialRequest replaces a credential's fields.
type UpdateCredentialRequest struct {
	Name     string `json:"name,omitempty"`
	Fullname string `json:"fullname,omitempty"`
	// Config, when not nil, replaces the secret (its type may not change
	// while integrations use the credential); nil keeps the stored secret.
	Config  credential.Config `json:"config,omitempty"`
	Expires *time.Time        `json:"expires,omitempty"`
	// UpdatedAt is the updated_at of the credential as read (Get, List):
	// the Update's precondition. Required; a credential changed since is
	// an ErrConflict error.
	UpdatedAt time.Time `json:"updated_at"`
}

// UnmarshalJSON decodes a request whose config is the tagged union.
func (r *CreateCredentialRequest) UnmarshalJSON(b []byte) error {
	type plain CreateCredentialRequest
	var p plain
	cfg, err := decodeWithConfig(b, &p)
	if err != nil {
		return err
	}
	*r = CreateCredentialRequest(p)
	r.Config = cfg
	return nil
}

// UnmarshalJSON decodes a request whose config is the tagged union.
func (r *UpdateCredentialRequest) UnmarshalJSON(b []byte) error {
	type plain UpdateCredentialRequest
	var p plain
	cfg, err := decodeWithConfig(b, &p)
	if err != nil {
		return err
	}
	*r = UpdateCredentialRequest(p)
	r.Config = cfg
	return nil
}

// decodeWithConfig decodes the JSON object b into dst, except its "config"
// member, which it decodes as a credential configuration (nil if absent).
// Decoding is strict (internal/strictjson): exact member names, strict
// times, no invalid UTF-8.
func decodeWithConfig(b []byte, dst any) (credential.Config, error) {
	if !utf8.Valid(b) {
		return nil, errs.Invalid("", "malformed request: not valid UTF-8")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil || fields == nil {
		return nil, errs.Invalid("", "malformed request: want a JSON object")
	}
	raw, ok := fields["config"]
	delete(fields, "config")
	rest, err := json.Marshal(fields)
	if err != nil {
		return nil, errs.Invalid("", "malformed request")
	}
	if err := strictjson.Decode("", rest, dst); err != nil {
		return nil, err
	}
	if !ok || string(raw) == "null" {
		return nil, nil
	}
	return credential.UnmarshalConfig(raw)
}

// CredentialsService manages credentials. Get it from Client.Credentials
// (every owner) or Client.Account(id).Credentials (owners in one account:
// the account itself and its integrations).
type CredentialsService struct {
	c         *Client
	scoped    bool   // confined to accountID (see Client.Account)
	accountID string // the account of a scoped service
}

var credentialReadOnly = []string{"id", "account_id", "integration_id", "integration_point_id",
	"organization_webhook_id", "owner_type", "managed", "created_at", "updated_at"}

// Create stores a credential owned by ownerID, an object of type
// req.OwnerType (default account). The secret is sealed before it reaches
// the store; the result is the no-secret view.
func (s *CredentialsService) Create(ctx context.Context, ownerID string, req CreateCredentialRequest) (*Credential, error) {
	if err := s.checkScope(); err != nil {
		return nil, err
	}
	cr := &Credential{ID: s.c.newID(), Name: req.Name, Fullname: req.Fullname, OwnerType: req.OwnerType,
		Expires: req.Expires, Managed: Unmanaged}
	if cr.OwnerType == "" {
		cr.OwnerType = OwnerAccount
	}
	ch := &change{op: AuditCreate, resourceType: "credential", resourceID: cr.ID}
	var out *Credential
	err := s.c.mutate(ctx, ch, func(tx store.Tx) error {
		if err := s.setOwner(ctx, tx, cr, ownerID); err != nil {
			return err
		}
		ch.accountID = cr.AccountID
		var err error
		out, err = s.c.insertCredential(ctx, tx, cr, req.Config, "config")
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkScope refuses every call of a service confined to an account whose
// id is empty or malformed (see Client.Account).
func (s *CredentialsService) checkScope() error {
	if s.scoped {
		return checkScope(s.accountID)
	}
	return nil
}

// setOwner checks that the owner exists (and lies in the service's account)
// and fills the owner fields of cr.
func (s *CredentialsService) setOwner(ctx context.Context, tx store.Tx, cr *Credential, ownerID string) error {
	switch cr.OwnerType {
	case OwnerAccount:
		if _, _, err := get[Account](ctx, tx, store.Accounts, ownerID); err != nil {
			return err
		}
		cr.AccountID = ownerID
	case OwnerIntegration:
		in, _, err := get[Integration](ctx, tx, store.Integrations, ownerID)
		if err != nil {
			return err
		}
		cr.IntegrationID, cr.AccountID = in.ID, in.AccountID
	case OwnerIntegrationPoint:
		if _, _, err := get[IntegrationPoint](ctx, tx, store.IntegrationPoints, ownerID); err != nil {
			return err
		}
		cr.IntegrationPointID = ownerID
	case OwnerOrganizationWebhook:
		return errs.New(errs.Unsupported, "credentials owned by organization webhooks are not supported yet")
	default:
		return errs.Invalid("owner_type", "owner_type %q is not valid; use account, integration or integration_point", clip(string(cr.OwnerType)))
	}
	if s.scoped && (s.accountID == "" || cr.AccountID != s.accountID) {
		return errs.New(errs.NotFound, "%s %q not found", cr.OwnerType, ownerID)
	}
	return nil
}

// insertCredential validates cfg, seals it and stores cr with it. field is
// the JSON path of cfg in the caller's request, for error messages.
func (c *Client) insertCredential(ctx context.Context, tx store.Tx, cr *Credential, cfg credential.Config, field string) (*Credential, error) {
	if cfg == nil {
		return nil, errs.Invalid(field, "%s is required: the credential's type and secret", field)
	}
	if err := cfg.Validate(); err != nil {
		return nil, renameField(err, "config", field)
	}
	var err error
	if cr.Name, cr.Fullname, err = resolveNames(cr.Name, cr.Fullname, cr.ID); err != nil {
		return nil, err
	}
	if err := checkExpires(cr.Expires); err != nil {
		return nil, err
	}
	now := c.now()
	cr.CreatedAt, cr.UpdatedAt = now, now
	cr.Config = credential.NoSecret{Type: cfg.Type()}
	obj, err := c.sealed(cr, cfg, field)
	if err != nil {
		return nil, err
	}
	if err := tx.Insert(ctx, obj); err != nil {
		return nil, err
	}
	return cr, nil
}

// sealed builds the store object of cr with cfg sealed under the current
// key, bound to the credential's id so a sealed blob cannot be moved to
// another credential. field is cfg's path in the caller's request, for
// errors.
func (c *Client) sealed(cr *Credential, cfg credential.Config, field string) (*store.Object, error) {
	// The secret is sealed as JSON: a byte json.Marshal would replace must
	// not silently become a different secret.
	if err := textcheck.Check(field, cfg); err != nil {
		return nil, err
	}
	if err := textcheck.Check("", cr); err != nil {
		return nil, err
	}
	plain, err := credential.MarshalConfig(cfg)
	if err != nil {
		return nil, errs.Wrap(errs.Internal, err, "encoding credential %s", cr.ID)
	}
	box, keyID, err := c.keys.Seal(plain, []byte(cr.ID))
	clear(plain)
	if err != nil {
		return nil, errs.Wrap(errs.Internal, err, "sealing credential %s", cr.ID)
	}
	doc, err := json.Marshal(cr)
	if err != nil {
		return nil, errs.Wrap(errs.Internal, err, "encoding credential %s", cr.ID)
	}
	return &store.Object{Kind: store.Credentials, ID: cr.ID, Scope: cr.owner(), Doc: doc, Sealed: box, KeyID: keyID}, nil
}

// owner returns the id of the credential's owner.
func (cr *Credential) owner() string {
	switch cr.OwnerType {
	case OwnerIntegration:
		return cr.IntegrationID
	case OwnerIntegrationPoint:
		return cr.IntegrationPointID
	case OwnerOrganizationWebhook:
		return cr.OrganizationWebhookID
	}
	return cr.AccountID
}

// Get returns the no-secret view of the credential ownerID owns.
func (s *CredentialsService) Get(ctx context.Context, ownerID, id string) (*Credential, error) {
	if err := s.checkScope(); err != nil {
		return nil, err
	}
	cr, _, err := s.load(ctx, s.c.store, ownerID, id)
	return cr, err
}

// anyOwner tells load to accept a credential of any owner (Lookup).
const anyOwner = "\x00any"

// Lookup returns the no-secret view of a credential by id alone.
func (s *CredentialsService) Lookup(ctx context.Context, id string) (*Credential, error) {
	if err := s.checkScope(); err != nil {
		return nil, err
	}
	cr, _, err := s.load(ctx, s.c.store, anyOwner, id)
	return cr, err
}

// load reads a credential, confined to ownerID (anyOwner for none) and, for
// a scoped service, to its account. An empty or malformed owner id finds
// nothing.
func (s *CredentialsService) load(ctx context.Context, r store.Reader, ownerID, id string) (*Credential, *store.Object, error) {
	if ownerID != anyOwner {
		if err := validID(store.Credentials, ownerID); err != nil {
			return nil, nil, errs.New(errs.NotFound, "credential %q not found", clip(id))
		}
	}
	cr, obj, err := get[Credential](ctx, r, store.Credentials, id)
	if err != nil {
		return nil, nil, err
	}
	if (ownerID != anyOwner && cr.owner() != ownerID) || (s.scoped && (s.accountID == "" || cr.AccountID != s.accountID)) {
		return nil, nil, errs.New(errs.NotFound, "credential %q not found", id)
	}
	return cr, obj, nil
}

// Update replaces the credential's name, fullname, expiry and, when
// req.Config is set, its secret. req.UpdatedAt must be the updated_at of the
// credential as read: if it changed since (another client's Update or
// Patch), Update is an ErrConflict error and changes nothing; Get it again
// and retry, or use Patch.
func (s *CredentialsService) Update(ctx context.Context, ownerID, id string, req UpdateCredentialRequest) (*Credential, error) {
	if err := s.checkScope(); err != nil {
		return nil, err
	}
	return s.replace(ctx, &change{op: AuditUpdate}, ownerID, id, func(cur *Credential) (*Credential, credential.Config, error) {
		if err := unchangedSince("credential", id, req.UpdatedAt, cur.UpdatedAt); err != nil {
			return nil, nil, err
		}
		next := *cur
		next.Name, next.Fullname, next.Expires = req.Name, req.Fullname, req.Expires
		return &next, req.Config, nil
	})
}

// Patch applies a JSON Patch to the credential's no-secret view. A patch
// that gives /config more than its type (e.g. replace /config with
// {"type":"token","secret":"..."}) replaces the secret; the patch's values
// never reach the audit trail.
func (s *CredentialsService) Patch(ctx context.Context, ownerID, id string, ops []PatchOperation) (*Credential, error) {
	if err := s.checkScope(); err != nil {
		return nil, err
	}
	ch := &change{op: AuditPatch}
	return s.replace(ctx, ch, ownerID, id, func(cur *Credential) (*Credential, credential.Config, error) {
		var next struct {
			Credential
			Config json.RawMessage `json:"config"`
		}
		paths, err := applyPatch(cur, ops, credentialReadOnly, &next)
		ch.paths = paths
		if err != nil {
			return nil, nil, err
		}
		out := next.Credential
		var typeOnly credential.NoSecret
		dec := json.NewDecoder(bytes.NewReader(next.Config))
		dec.DisallowUnknownFields()
		if dec.Decode(&typeOnly) == nil {
			if typeOnly.Type != cur.Config.Type {
				return nil, nil, errs.Invalid("config", "changing the credential type needs the new secret too, e.g. {\"type\":\"token\",\"secret\":\"...\"}")
			}
			out.Config = typeOnly
			return &out, nil, nil
		}
		cfg, err := credential.UnmarshalConfig(next.Config)
		if err != nil {
			return nil, nil, err
		}
		return &out, cfg, nil
	})
}

func (s *CredentialsService) replace(ctx context.Context, ch *change, ownerID, id string, edit func(*Credential) (*Credential, credential.Config, error)) (*Credential, error) {
	ch.resourceType, ch.resourceID = "credential", id
	var out *Credential
	err := s.c.mutate(ctx, ch, withPatchRetries(ch, func(tx store.Tx) error {
		cur, obj, err := s.load(ctx, tx, ownerID, id)
		if err != nil {
			return err
		}
		ch.accountID = cur.AccountID
		next, cfg, err := edit(cur)
		if err != nil {
			return err
		}
		// Owner, management and timestamps are the library's.
		next.ID, next.OwnerType, next.AccountID, next.IntegrationID = cur.ID, cur.OwnerType, cur.AccountID, cur.IntegrationID
		next.IntegrationPointID, next.OrganizationWebhookID, next.Managed = cur.IntegrationPointID, cur.OrganizationWebhookID, cur.Managed
		next.CreatedAt, next.UpdatedAt = cur.CreatedAt, touched(s.c.now(), cur.UpdatedAt)
		if next.Name, next.Fullname, err = resolveNames(next.Name, next.Fullname, next.ID); err != nil {
			return err
		}
		if err := checkExpires(next.Expires); err != nil {
			return err
		}
		if cfg == nil {
			next.Config = cur.Config
			if err := replaceDoc(ctx, tx, obj, next); err != nil {
				return err
			}
		} else {
			if err := cfg.Validate(); err != nil {
				return err
			}
			if cfg.Type() != cur.Config.Type {
				// Locked before its users are checked (see
				// prepareIntegration, which locks it shared).
				if _, err := tx.Lock(ctx, store.Credentials, cur.ID, store.LockExclusive); err != nil {
					return err
				}
				if err := s.checkUnused(ctx, tx, cur); err != nil {
					return err
				}
			}
			next.Config = credential.NoSecret{Type: cfg.Type()}
			fresh, err := s.c.sealed(next, cfg, "config")
			if err != nil {
				return err
			}
			fresh.Version = obj.Version
			if err := tx.Replace(ctx, fresh); err != nil {
				return err
			}
		}
		out = next
		return nil
	}))
	return out, err
}

// Delete deletes the credential. One still referenced by an integration is
// an ErrConflict error.
func (s *CredentialsService) Delete(ctx context.Context, ownerID, id string) error {
	if err := s.checkScope(); err != nil {
		return err
	}
	ch := &change{op: AuditDelete, resourceType: "credential", resourceID: id}
	return s.c.mutate(ctx, ch, func(tx store.Tx) error {
		cur, _, err := s.load(ctx, tx, ownerID, id)
		if err != nil {
			return err
		}
		ch.accountID = cur.AccountID
		if err := s.checkUnused(ctx, tx, cur); err != nil {
			return err
		}
		return tx.Delete(ctx, store.Credentials, id)
	})
}

// checkUnused refuses when an integration references the credential.
func (s *CredentialsService) checkUnused(ctx context.Context, tx store.Tx, cr *Credential) error {
	var filters []string
	switch {
	case cr.IntegrationID != "":
		filters = []string{"id[eq]" + cr.IntegrationID}
	case cr.AccountID != "":
		filters = []string{"account_id[eq]" + cr.AccountID}
	case cr.IntegrationPointID != "":
		filters = []string{"integration_point_id[eq]" + cr.IntegrationPointID}
	}
	return eachIntegration(ctx, tx, filters, func(in *Integration, _ *Account) error {
		for _, ref := range in.ProviderConfig.refs() {
			if ref.ID == cr.ID {
				return errs.New(errs.Conflict, "credential %s is used by integration %s; change or delete the integration first", cr.ID, in.ID)
			}
		}
		return nil
	})
}

// List returns one page of the credentials ownerID owns. Fields: id, name,
// fullname, owner_type, account_id, integration_id, integration_point_id,
// organization_webhook_id, managed, expires, config.type, created_at,
// updated_at.
func (s *CredentialsService) List(ctx context.Context, ownerID string, opts ListOptions) (*Page[Credential], error) {
	if err := s.checkScope(); err != nil {
		return nil, err
	}
	if err := validID(store.Credentials, ownerID); err != nil {
		return nil, err
	}
	return listPage(ctx, s.c, store.ListRequest{Kind: store.Credentials, Scope: ownerID, AccountID: s.accountID}, opts, decodeDoc[Credential])
}

// All iterates over every credential ownerID owns that matches opts.
func (s *CredentialsService) All(ctx context.Context, ownerID string, opts ListOptions) iter.Seq2[*Credential, error] {
	return all(ctx, opts, func(ctx context.Context, o ListOptions) (*Page[Credential], error) {
		return s.List(ctx, ownerID, o)
	})
}

// unseal returns the secret configuration of a credential for a driver. It
// is the only way to a secret: it refuses an expired credential, and the
// result must never be logged or returned to users.
func (c *Client) unseal(ctx context.Context, id string) (credential.Config, *Credential, error) {
	cr, obj, err := get[Credential](ctx, c.store, store.Credentials, id)
	if err != nil {
		return nil, nil, err
	}
	if cr.Expires != nil && !c.now().Before(*cr.Expires) {
		return nil, cr, errs.New(errs.CredentialExpired, "credential %s expired at %s", cr.ID, cr.Expires.Format(time.RFC3339))
	}
	plain, err := c.keys.Open(obj.Sealed, obj.KeyID, []byte(cr.ID))
	if err != nil {
		return nil, cr, errs.Wrap(errs.Internal, err, "opening credential %s", cr.ID)
	}
	defer clear(plain)
	cfg, err := credential.UnmarshalConfig(plain)
	if err != nil {
		return nil, cr, errs.New(errs.Internal, "credential %s holds an unreadable secret", cr.ID)
	}
	return cfg, cr, nil
}

// RotateKey re-seals, in one transaction, every credential sealed with a key
// other than the current one, and returns how many it re-sealed. Open the
// client with the new key as current and the old ones as previous
// (WithSecretKey(newKey, oldKey)), call RotateKey, and from then on the old
// keys are no longer needed.
func (c *Client) RotateKey(ctx context.Context) (int, error) {
	n := 0
	current := c.keys.Current().ID()
	ch := &change{op: AuditRotateKey, resourceType: "key", resourceID: current}
	err := c.mutate(ctx, ch, func(tx store.Tx) error {
		n = 0
		// Every sealed kind: credentials, destinations' and webhooks' secrets.
		for _, kind := range []store.Kind{store.Credentials, store.Destinations, store.Webhooks} {
			err := tx.ForEach(ctx, kind, func(o *store.Object) error {
				if o.KeyID == current || o.Sealed == nil {
					return nil
				}
				plain, err := c.keys.Open(o.Sealed, o.KeyID, []byte(o.ID))
				if err != nil {
					return errs.Wrap(errs.InvalidInput, err, "%s %s cannot be opened", singular(kind), o.ID)
				}
				box, keyID, err := c.keys.Seal(plain, []byte(o.ID))
				clear(plain)
				if err != nil {
					return errs.Wrap(errs.Internal, err, "re-sealing %s %s", singular(kind), o.ID)
				}
				o.Sealed, o.KeyID = box, keyID
				n++
				return tx.Replace(ctx, o)
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	c.log.Info("synqly: re-sealed credentials under the current key", "count", n, "key_id", current)
	return n, nil
}

// checkExpires refuses an expiry the store cannot keep, saying the range.
func checkExpires(t *time.Time) error {
	if t != nil && (t.Before(store.MinTime) || t.After(store.MaxTime)) {
		return errs.Invalid("expires", "expires must lie %s; leave it unset for a credential that never expires", store.TimeRange)
	}
	return nil
}

// renameField rewrites the leading "from" of an error's field to "to".
func renameField(err error, from, to string) error {
	var e *errs.Error
	if !errors.As(err, &e) || from == to {
		return err
	}
	c := *e
	if c.Field == from {
		c.Field = to
	} else if len(c.Field) > len(from) && c.Field[:len(from)+1] == from+"." {
		c.Field = to + c.Field[len(from):]
	}
	return &c
}
