package synqly

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"iter"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/filter"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/store"
)

// The sync strategies (seed 004's sync_strategy_config.strategy).
const (
	StrategyFullThenIncremental = "full then incremental"
	StrategyFullOnly            = "full only"
)

// MinSyncPeriod is the shortest period_ms a sync may have (seed 004).
const MinSyncPeriod = 60 * time.Second

// SyncStrategy says how and how often to sync (seed 004's
// sync_strategy_config).
type SyncStrategy struct {
	// PeriodMS is the time between runs, in milliseconds: at least 60000.
	PeriodMS int64 `json:"period_ms"`
	// Strategy is "full then incremental" (a full run first, then runs of
	// what changed since the last) or "full only".
	Strategy string `json:"strategy"`
	// AutoStartOnConnection starts the syncs of a new integration at once
	// (default true); when false they are created paused.
	AutoStartOnConnection *bool `json:"auto_start_on_connection,omitempty"`
	// FullSyncEveryNIncrementals, when set, makes every run after N
	// consecutive incremental runs a full one.
	FullSyncEveryNIncrementals int `json:"full_sync_every_n_incrementals,omitempty"`
}

func (s *SyncStrategy) check(field string) error {
	switch {
	case s.PeriodMS < MinSyncPeriod.Milliseconds():
		return errs.Invalid(field+".period_ms", "period_ms must be at least %d", MinSyncPeriod.Milliseconds())
	case s.PeriodMS > int64(365*24*time.Hour/time.Millisecond):
		return errs.Invalid(field+".period_ms", "period_ms must be at most a year")
	case s.Strategy != StrategyFullThenIncremental && s.Strategy != StrategyFullOnly:
		return errs.Invalid(field+".strategy", "strategy must be %q or %q", StrategyFullThenIncremental, StrategyFullOnly)
	case s.FullSyncEveryNIncrementals < 0:
		return errs.Invalid(field+".full_sync_every_n_incrementals", "full_sync_every_n_incrementals must not be negative")
	}
	return nil
}

func (s *SyncStrategy) autoStart() bool {
	return s.AutoStartOnConnection == nil || *s.AutoStartOnConnection
}

// SyncObjectConfig is one object a sync config copies, with its own
// strategy if it differs.
type SyncObjectConfig struct {
	Object               string        `json:"object"`
	SyncStrategyOverride *SyncStrategy `json:"sync_strategy_override,omitempty"`
}

// SyncConfigData is the what and how of a sync config (seed 004's
// sync_config_data).
type SyncConfigData struct {
	DefaultConfig SyncStrategy `json:"default_config"`
	// CommonObjects are the connector's objects to sync (ticketing:
	// tickets, comments, projects).
	CommonObjects []SyncObjectConfig `json:"common_objects"`
}

// ConnectionSyncConfig overrides a sync config for one integration (seed
// 004's connection sync config): the objects it syncs, and its strategy.
type ConnectionSyncConfig struct {
	// CommonObjects, when not empty, replaces the config's objects.
	CommonObjects []SyncObjectConfig `json:"common_objects,omitempty"`
	// SyncStrategyOverride replaces the config's default strategy.
	SyncStrategyOverride *SyncStrategy `json:"sync_strategy_override,omitempty"`
}

// SyncConfig copies the objects of every integration it matches into a
// destination on a schedule (seed 004's sync config; the hosted system's
// operation schedules on integration points). It matches the integrations
// of an integration point, of a provider, or both.
type SyncConfig struct {
	ID                 string             `json:"id"`
	Name               string             `json:"name"`
	Fullname           string             `json:"fullname"`
	DestinationID      string             `json:"destination_id"`
	IntegrationPointID string             `json:"integration_point_id,omitempty"`
	ProviderType       string             `json:"provider_type,omitempty"`
	Connector          providers.Category `json:"connector"`
	Config             SyncConfigData     `json:"config"`
	// ConnectionSyncConfigs holds the per-integration overrides, by
	// integration id.
	ConnectionSyncConfigs map[string]ConnectionSyncConfig `json:"connection_sync_configs,omitempty"`
	CreatedAt             time.Time                       `json:"created_at"`
	UpdatedAt             time.Time                       `json:"updated_at"`
}

// CreateSyncConfigRequest creates a sync config.
type CreateSyncConfigRequest struct {
	Name               string         `json:"name,omitempty"`
	Fullname           string         `json:"fullname,omitempty"`
	DestinationID      string         `json:"destination_id"`
	IntegrationPointID string         `json:"integration_point_id,omitempty"`
	ProviderType       string         `json:"provider_type,omitempty"`
	Config             SyncConfigData `json:"config"`
}

// SyncConfigsService manages sync configs and their per-integration
// overrides. Every change creates, keeps or removes the syncs (one per
// matching integration and object) in the same transaction.
type SyncConfigsService struct{ c *Client }

// normalize checks cfg against the store and the registry and derives its
// connector.
func (c *Client) normalizeSyncConfig(ctx context.Context, tx store.Tx, cfg *SyncConfig) error {
	var err error
	if cfg.Name, cfg.Fullname, err = resolveNames(cfg.Name, cfg.Fullname, cfg.ID); err != nil {
		return err
	}
	if _, _, err := getLocked[Destination](ctx, tx, store.Destinations, cfg.DestinationID, store.LockShared); err != nil {
		if errs.CodeOf(err) == errs.NotFound {
			return errs.Invalid("destination_id", "destination %q does not exist", clip(cfg.DestinationID))
		}
		return err
	}
	if cfg.IntegrationPointID == "" && cfg.ProviderType == "" {
		return errs.Invalid("integration_point_id", "a sync config names an integration point, a provider type, or both")
	}
	cfg.Connector = ""
	if cfg.IntegrationPointID != "" {
		ip, _, err := getLocked[IntegrationPoint](ctx, tx, store.IntegrationPoints, cfg.IntegrationPointID, store.LockShared)
		if err != nil {
			if errs.CodeOf(err) == errs.NotFound {
				return errs.Invalid("integration_point_id", "integration point %q does not exist", clip(cfg.IntegrationPointID))
			}
			return err
		}
		cfg.Connector = ip.Connector
	}
	if cfg.ProviderType != "" {
		p, ok := c.registry.Lookup(cfg.ProviderType)
		if !ok {
			return errs.Invalid("provider_type", "provider %q is not registered", clip(cfg.ProviderType))
		}
		if cfg.Connector != "" && cfg.Connector != p.Category {
			return errs.Invalid("provider_type", "provider %s serves %s, not the integration point's %s", p.ID, p.Category, cfg.Connector)
		}
		cfg.Connector = p.Category
	}
	conn, _ := c.registry.Connector(cfg.Connector)
	if len(conn.Objects) == 0 {
		return errs.New(errs.Unsupported, "the %s connector has nothing to sync", cfg.Connector)
	}
	if err := cfg.Config.DefaultConfig.check("config.default_config"); err != nil {
		return err
	}
	if err := checkObjects(conn, "config.common_objects", cfg.Config.CommonObjects, true); err != nil {
		return err
	}
	for _, id := range slices.Sorted(maps.Keys(cfg.ConnectionSyncConfigs)) {
		o := cfg.ConnectionSyncConfigs[id]
		f := "connection_sync_configs." + id
		if err := checkObjects(conn, f+".common_objects", o.CommonObjects, false); err != nil {
			return err
		}
		if o.SyncStrategyOverride != nil {
			if err := o.SyncStrategyOverride.check(f + ".sync_strategy_override"); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkObjects(conn providers.Connector, field string, objs []SyncObjectConfig, required bool) error {
	if required && len(objs) == 0 {
		return errs.Invalid(field, "name at least one object to sync (%s has %v)", conn.Category, conn.ObjectNames())
	}
	seen := map[string]bool{}
	for i, o := range objs {
		f := field + "[" + strconv.Itoa(i) + "]"
		if _, ok := conn.Object(o.Object); !ok {
			return errs.Invalid(f+".object", "%s has no object %q to sync; it has %v", conn.Category, clip(o.Object), conn.ObjectNames())
		}
		if seen[o.Object] {
			return errs.Invalid(f+".object", "object %s is listed twice", o.Object)
		}
		seen[o.Object] = true
		if o.SyncStrategyOverride != nil {
			if err := o.SyncStrategyOverride.check(f + ".sync_strategy_override"); err != nil {
				return err
			}
		}
	}
	return nil
}

// Create creates a sync config and the syncs of the integrations it
// matches.
func (s *SyncConfigsService) Create(ctx context.Context, req CreateSyncConfigRequest) (*SyncConfig, error) {
	now := s.c.now()
	cfg := &SyncConfig{ID: s.c.newID(), Name: req.Name, Fullname: req.Fullname, DestinationID: req.DestinationID,
		IntegrationPointID: req.IntegrationPointID, ProviderType: req.ProviderType, Config: req.Config,
		CreatedAt: now, UpdatedAt: now}
	err := s.c.mutate(ctx, &change{op: AuditCreate, resourceType: "sync_config", resourceID: cfg.ID}, func(tx store.Tx) error {
		if err := s.c.normalizeSyncConfig(ctx, tx, cfg); err != nil {
			return err
		}
		if err := insert(ctx, tx, store.SyncConfigs, cfg.ID, "", cfg); err != nil {
			return err
		}
		return s.c.reconcileConfig(ctx, tx, cfg, false)
	})
	if err != nil {
		return nil, err
	}
	return cfg, nil
}

// Get returns a sync config.
func (s *SyncConfigsService) Get(ctx context.Context, id string) (*SyncConfig, error) {
	cfg, _, err := get[SyncConfig](ctx, s.c.store, store.SyncConfigs, id)
	return cfg, err
}

// List returns one page of sync configs. Fields: id, name, fullname,
// destination_id, integration_point_id, provider_type, created_at,
// updated_at.
func (s *SyncConfigsService) List(ctx context.Context, opts ListOptions) (*Page[SyncConfig], error) {
	return listPage(ctx, s.c, store.ListRequest{Kind: store.SyncConfigs}, opts, decodeDoc[SyncConfig])
}

// All iterates over every sync config matching opts.
func (s *SyncConfigsService) All(ctx context.Context, opts ListOptions) iter.Seq2[*SyncConfig, error] {
	return all(ctx, opts, s.List)
}

// Update replaces a sync config's names, destination, match and config
// (its per-integration overrides stay); cfg.UpdatedAt is the precondition.
// Syncs of objects no longer listed are removed, new ones created.
func (s *SyncConfigsService) Update(ctx context.Context, id string, cfg SyncConfig) (*SyncConfig, error) {
	return s.edit(ctx, id, func(cur *SyncConfig) error {
		if err := unchangedSince("sync config", id, cfg.UpdatedAt, cur.UpdatedAt); err != nil {
			return err
		}
		cur.Name, cur.Fullname, cur.DestinationID = cfg.Name, cfg.Fullname, cfg.DestinationID
		cur.IntegrationPointID, cur.ProviderType, cur.Config = cfg.IntegrationPointID, cfg.ProviderType, cfg.Config
		return nil
	})
}

func (s *SyncConfigsService) edit(ctx context.Context, id string, fn func(cur *SyncConfig) error) (*SyncConfig, error) {
	var out *SyncConfig
	err := s.c.mutate(ctx, &change{op: AuditUpdate, resourceType: "sync_config", resourceID: id}, func(tx store.Tx) error {
		cur, obj, err := getLocked[SyncConfig](ctx, tx, store.SyncConfigs, id, store.LockExclusive)
		if err != nil {
			return err
		}
		if err := fn(cur); err != nil {
			return err
		}
		cur.UpdatedAt = touched(s.c.now(), cur.UpdatedAt)
		if err := s.c.normalizeSyncConfig(ctx, tx, cur); err != nil {
			return err
		}
		if err := replaceDoc(ctx, tx, obj, cur); err != nil {
			return err
		}
		out = cur
		return s.c.reconcileConfig(ctx, tx, cur, true)
	})
	return out, err
}

// Delete removes a sync config and its syncs and runs.
func (s *SyncConfigsService) Delete(ctx context.Context, id string) error {
	return s.c.mutate(ctx, &change{op: AuditDelete, resourceType: "sync_config", resourceID: id}, func(tx store.Tx) error {
		return tx.Delete(ctx, store.SyncConfigs, id)
	})
}

// UpsertConnection sets the override of one integration (seed 004's
// upsertConnectionSyncConfig), and adjusts its syncs.
func (s *SyncConfigsService) UpsertConnection(ctx context.Context, configID, integrationID string, o ConnectionSyncConfig) (*SyncConfig, error) {
	return s.edit(ctx, configID, func(cur *SyncConfig) error {
		if _, _, err := get[Integration](ctx, s.c.store, store.Integrations, integrationID); err != nil {
			return err
		}
		if cur.ConnectionSyncConfigs == nil {
			cur.ConnectionSyncConfigs = map[string]ConnectionSyncConfig{}
		}
		cur.ConnectionSyncConfigs[integrationID] = o
		return nil
	})
}

// GetConnection returns the override of one integration (ErrNotFound when
// it has none).
func (s *SyncConfigsService) GetConnection(ctx context.Context, configID, integrationID string) (*ConnectionSyncConfig, error) {
	cfg, err := s.Get(ctx, configID)
	if err != nil {
		return nil, err
	}
	o, ok := cfg.ConnectionSyncConfigs[integrationID]
	if !ok {
		return nil, errs.New(errs.NotFound, "sync config %s has no override for integration %s", configID, integrationID)
	}
	return &o, nil
}

// DeleteConnection removes the override of one integration.
func (s *SyncConfigsService) DeleteConnection(ctx context.Context, configID, integrationID string) (*SyncConfig, error) {
	return s.edit(ctx, configID, func(cur *SyncConfig) error {
		if _, ok := cur.ConnectionSyncConfigs[integrationID]; !ok {
			return errs.New(errs.NotFound, "sync config %s has no override for integration %s", configID, integrationID)
		}
		delete(cur.ConnectionSyncConfigs, integrationID)
		return nil
	})
}

// matches reports whether the config applies to the integration.
func (cfg *SyncConfig) matches(in *Integration) bool {
	return (cfg.IntegrationPointID == "" || cfg.IntegrationPointID == in.IntegrationPointID) &&
		(cfg.ProviderType == "" || cfg.ProviderType == in.ProviderType) && in.Category == cfg.Connector
}

// objectsFor returns the objects the config syncs for an integration.
func (cfg *SyncConfig) objectsFor(integrationID string) []SyncObjectConfig {
	if o, ok := cfg.ConnectionSyncConfigs[integrationID]; ok && len(o.CommonObjects) > 0 {
		return o.CommonObjects
	}
	return cfg.Config.CommonObjects
}

// strategyFor returns the strategy of one object of one integration: the
// config's default, replaced by the object's override, the integration's
// override, and the integration's override of the object, in that order.
func (cfg *SyncConfig) strategyFor(integrationID, object string) SyncStrategy {
	st := cfg.Config.DefaultConfig
	pick := func(objs []SyncObjectConfig) {
		for _, o := range objs {
			if o.Object == object && o.SyncStrategyOverride != nil {
				st = *o.SyncStrategyOverride
			}
		}
	}
	pick(cfg.Config.CommonObjects)
	if o, ok := cfg.ConnectionSyncConfigs[integrationID]; ok {
		if o.SyncStrategyOverride != nil {
			st = *o.SyncStrategyOverride
		}
		pick(o.CommonObjects)
	}
	return st
}

// syncID is the id of the sync of one config, integration and object.
func syncID(configID, integrationID, object string) string {
	return compositeID(configID, integrationID, object)
}

// compositeID joins ids with "__" into an id, or, when that is longer than
// an id may be, into the hex SHA-256 of the join: the same parts always
// give the same id, so the store's primary key keeps one object per parts.
func compositeID(parts ...string) string {
	id := strings.Join(parts, "__")
	if len(id) <= 128 {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// reconcileConfig makes the syncs of cfg exactly one per matching
// integration and object: it creates the missing ones and (when existing)
// removes those of objects or integrations no longer matched.
func (c *Client) reconcileConfig(ctx context.Context, tx store.Tx, cfg *SyncConfig, existing bool) error {
	want := map[string]bool{}
	opts := ListOptions{Filter: []string{"category[eq]" + string(cfg.Connector)}, Limit: filter.MaxLimit}
	if cfg.IntegrationPointID != "" {
		opts.Filter = append(opts.Filter, "integration_point_id[eq]"+cfg.IntegrationPointID)
	}
	if cfg.ProviderType != "" {
		opts.Filter = append(opts.Filter, "provider_type[eq]"+cfg.ProviderType)
	}
	for in, err := range all(ctx, opts, func(ctx context.Context, o ListOptions) (*Page[Integration], error) {
		return listPage(ctx, c, store.ListRequest{Kind: store.Integrations}, o, decodeIntegration)
	}) {
		if err != nil {
			return err
		}
		for _, o := range cfg.objectsFor(in.ID) {
			id := syncID(cfg.ID, in.ID, o.Object)
			want[id] = true
			if err := c.ensureSync(ctx, tx, cfg, in, o.Object); err != nil {
				return err
			}
		}
	}
	if !existing {
		return nil
	}
	var stale []string
	for sy, err := range all(ctx, ListOptions{Filter: []string{"sync_config_id[eq]" + cfg.ID}, Limit: filter.MaxLimit}, c.Syncs.List) {
		if err != nil {
			return err
		}
		if !want[sy.ID] {
			stale = append(stale, sy.ID)
		}
	}
	for _, id := range stale {
		if err := tx.Delete(ctx, store.Syncs, id); err != nil && errs.CodeOf(err) != errs.NotFound {
			return err
		}
	}
	return nil
}

// ensureSync creates the sync of (cfg, in, object) unless it exists: due
// at once, or paused when the strategy does not start automatically.
func (c *Client) ensureSync(ctx context.Context, tx store.Tx, cfg *SyncConfig, in *Integration, object string) error {
	id := syncID(cfg.ID, in.ID, object)
	if _, err := tx.Get(ctx, store.Syncs, id); err == nil {
		return nil
	} else if errs.CodeOf(err) != errs.NotFound {
		return err
	}
	now := c.now()
	sy := &Sync{ID: id, Type: "object", ObjectType: "common", Object: object, Connector: cfg.Connector,
		SyncConfigID: cfg.ID, IntegrationID: in.ID, AccountID: in.AccountID, ProviderType: in.ProviderType,
		CreatedAt: now, UpdatedAt: now}
	if st := cfg.strategyFor(in.ID, object); st.autoStart() {
		sy.NextRunAt = &now
	} else {
		sy.Paused, sy.PauseReason = true, "auto_start_on_connection is false: resume the sync to start it"
	}
	return insert(ctx, tx, store.Syncs, id, "", sy)
}

// attachSyncs creates the syncs of a new integration, for every sync
// config that matches it, in the transaction that creates it.
func (c *Client) attachSyncs(ctx context.Context, tx store.Tx, in *Integration) error {
	for cfg, err := range all(ctx, ListOptions{Limit: filter.MaxLimit}, func(ctx context.Context, o ListOptions) (*Page[SyncConfig], error) {
		return listPage(ctx, c, store.ListRequest{Kind: store.SyncConfigs}, o, decodeDoc[SyncConfig])
	}) {
		if err != nil {
			return err
		}
		if !cfg.matches(in) {
			continue
		}
		for _, o := range cfg.objectsFor(in.ID) {
			if err := c.ensureSync(ctx, tx, cfg, in, o.Object); err != nil {
				return err
			}
		}
	}
	return nil
}
