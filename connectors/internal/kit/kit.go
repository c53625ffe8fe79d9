// Package kit is what every connector package shares: the binding of a
// portable connector to its integration's driver (through a
// providers.Source, resolved again before every call), the capability gate
// that answers an operation the provider lacks before any driver call, the
// checkpoint every call passes through — one OpenTelemetry span, call and
// latency metrics, a debug log line, and the error wrapped once with the
// provider and the operation — and the input checks and patch diff the
// connectors' portable logic needs.
package kit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"sync"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/trace"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
)

// instrumentation names the library in spans and metrics.
const instrumentation = "github.com/seed-e6251c81/synqly/connectors"

// Binding is a connector's link to its driver: where it comes from, and what
// the provider supports. A connector holds one (by pointer) and runs every
// operation through Call or Do. The zero Binding is unusable; get one from
// Bind or Fixed.
type Binding[D any] struct {
	connector providers.Category
	resolve   func(ctx context.Context) (*providers.Resolved, error)
}

// Bind returns the binding of the integration's connector: every call asks
// src for the driver (a source caches it) and checks that it serves the
// connector.
func Bind[D any](connector providers.Category, src providers.Source, integrationID string) *Binding[D] {
	return &Binding[D]{connector: connector, resolve: func(ctx context.Context) (*providers.Resolved, error) {
		return src.ResolveDriver(ctx, integrationID, connector)
	}}
}

// Open is a connector package's Open: it binds the connector to the
// integration of src and resolves it once, so that an integration that is
// missing, of another connector or with an expired credential fails at
// once; wrap makes the connector's own type of the binding.
func Open[D, T any](ctx context.Context, connector providers.Category, src providers.Source, integrationID string, wrap func(*Binding[D]) *T) (*T, error) {
	if src == nil {
		return nil, errs.Invalid("source", "%s.Open needs a source: a *synqly.Client or a *synqly.AccountScope", connector)
	}
	b := Bind[D](connector, src, integrationID)
	if _, _, err := b.Resolve(ctx); err != nil {
		return nil, err
	}
	return wrap(b), nil
}

// Fixed returns a binding to a driver built directly (tests, programs
// without a store): p is the provider's registration, tel (the first, if
// any) where the checkpoint reports besides the OpenTelemetry globals.
func Fixed[D any](p providers.Provider, d D, tel ...providers.Telemetry) *Binding[D] {
	r := &providers.Resolved{Driver: d, Provider: p}
	if len(tel) > 0 {
		r.Telemetry = tel[0]
	}
	return &Binding[D]{connector: p.Category, resolve: func(context.Context) (*providers.Resolved, error) { return r, nil }}
}

// As sets target, a non-nil pointer to an interface type, to the bound
// driver if the driver implements that interface, and reports whether it
// did (gocloud.dev's As): the way to what a provider offers beyond the
// portable API.
func As[D any](ctx context.Context, b *Binding[D], target any) (bool, error) {
	d, _, err := b.Resolve(ctx)
	if err != nil {
		return false, err
	}
	v := reflect.ValueOf(target)
	if !v.IsValid() || v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Interface {
		return false, errs.Invalid("target", "As needs a non-nil pointer to an interface, not %T", target)
	}
	dv := reflect.ValueOf(d)
	if !dv.IsValid() || !dv.Type().Implements(v.Elem().Type()) {
		return false, nil
	}
	v.Elem().Set(dv)
	return true, nil
}

// Capabilities returns the typed capabilities of the bound provider (a
// copy).
func Capabilities[D any, C providers.Declared[C]](ctx context.Context, b *Binding[D]) (C, error) {
	var zero C
	_, r, err := b.Resolve(ctx)
	if err != nil {
		return zero, err
	}
	c, _ := r.Provider.Capabilities.(C)
	return c.Copy(), nil
}

// Resolve returns the driver and its provider, checking the driver's type.
func (b *Binding[D]) Resolve(ctx context.Context) (D, *providers.Resolved, error) {
	var zero D
	if ctx == nil {
		return zero, nil, errs.Invalid("ctx", "nil context")
	}
	if b == nil || b.resolve == nil {
		return zero, nil, errs.New(errs.InvalidInput, "nil connector: get one from its package's Open")
	}
	r, err := b.resolve(ctx)
	if err != nil {
		return zero, nil, err
	}
	d, ok := r.Driver.(D)
	if !ok {
		return zero, nil, errs.New(errs.Internal, "provider %s built a %T, not a %s driver", r.Provider.ID, r.Driver, b.connector)
	}
	return d, r, nil
}

// Unsupported is the error of an operation the provider lacks.
func Unsupported(provider, op string) error {
	who := "this provider"
	if provider != "" {
		who = "provider " + provider
	}
	return &errs.Error{Code: errs.Unsupported, Provider: provider, Operation: op,
		Message: fmt.Sprintf("%s does not support %s", who, op)}
}

// Do runs the connector operation op: it resolves the driver, refuses op
// if the provider does not declare it (before any driver call), and runs
// fn through the checkpoint.
func Do[D, T any](ctx context.Context, b *Binding[D], op string, fn func(ctx context.Context, d D, r *providers.Resolved) (T, error)) (T, error) {
	var zero T
	d, r, err := b.Resolve(ctx)
	if err != nil {
		return zero, err
	}
	if !r.Provider.Supports(op) {
		return zero, Unsupported(r.Provider.ID, op)
	}
	return Checkpoint(ctx, b.connector, op, r, func(ctx context.Context) (T, error) { return fn(ctx, d, r) })
}

// Run is Do for operations that return only an error.
func Run[D any](ctx context.Context, b *Binding[D], op string, fn func(ctx context.Context, d D, r *providers.Resolved) error) error {
	_, err := Do(ctx, b, op, func(ctx context.Context, d D, r *providers.Resolved) (struct{}, error) {
		return struct{}{}, fn(ctx, d, r)
	})
	return err
}

// Checkpoint runs fn, one operation of one provider, with its span, its
// metrics and its debug line, and wraps its error once with the provider
// and the operation.
func Checkpoint[T any](ctx context.Context, connector providers.Category, op string, r *providers.Resolved, fn func(ctx context.Context) (T, error)) (T, error) {
	tel := telemetryOf(r.Telemetry)
	lb := labelsOf(connector, r.Provider.ID, op)
	ctx, span := tel.tracer.Start(ctx, lb.name, clientSpan, lb.spanAttrs)
	if r.IntegrationID != "" {
		span.SetAttributes(attribute.String("synqly.integration_id", r.IntegrationID))
	}
	start := time.Now()
	v, err := fn(ctx)
	elapsed := time.Since(start)
	err = Wrap(err, r.Provider.ID, op)
	set := lb.set
	if err != nil {
		code := errs.CodeOf(err)
		span.RecordError(err)
		span.SetStatus(codes.Error, string(code))
		set = metric.WithAttributeSet(attribute.NewSet(append(slices.Clone(lb.attrs), attribute.String("error.type", string(code)))...))
	}
	span.End()
	tel.calls.Add(ctx, 1, set)
	tel.duration.Record(ctx, elapsed.Seconds(), set)
	if tel.log.Enabled(ctx, slog.LevelDebug) {
		la := []slog.Attr{slog.String("connector", string(connector)), slog.String("provider", r.Provider.ID),
			slog.String("operation", op), slog.Duration("duration", elapsed)}
		if r.IntegrationID != "" {
			la = append(la, slog.String("integration_id", r.IntegrationID))
		}
		if err != nil {
			// Errors never hold secrets: messages are written to be shown,
			// vendor text is redacted where it enters (internal/httpx).
			la = append(la, slog.String("error", err.Error()))
		}
		tel.log.LogAttrs(ctx, slog.LevelDebug, "synqly: connector call", la...)
	}
	return v, err
}

// Wrap adds the provider and the operation to err, once: an error that
// already names a provider is returned as it is. errors.Is and errors.As
// see through the result, and the vendor's answer (errs.ProviderError)
// learns the provider and operation too. An error that is not an
// *errs.Error keeps its code (a context error's) or becomes
// errs.ErrProvider.
func Wrap(err error, provider, op string) error {
	if err == nil {
		return nil
	}
	var pe *errs.ProviderError
	if errors.As(err, &pe) && pe.Provider == "" {
		pe.Provider, pe.Operation = provider, op
	}
	e, ok := err.(*errs.Error)
	switch {
	case ok && e.Provider != "":
		return err
	case ok:
		c := *e
		c.Provider, c.Operation = provider, op
		return &c
	}
	code := errs.CodeOf(err)
	if code == "" {
		code = errs.Provider
	}
	return &errs.Error{Code: code, Provider: provider, Operation: op, Message: "the driver failed", Cause: err}
}

// labels are what names one connector operation of one provider in spans
// and metrics, made once per (connector, provider, operation): a call that
// succeeds allocates none of them.
type labels struct {
	name      string
	attrs     []attribute.KeyValue
	spanAttrs trace.SpanStartEventOption
	set       metric.MeasurementOption
}

type labelKey struct {
	connector providers.Category
	provider  string
	op        string
}

var labelCache sync.Map // labelKey -> *labels

// clientSpan marks every connector span as a client's call.
var clientSpan = trace.WithSpanKind(trace.SpanKindClient)

func labelsOf(connector providers.Category, provider, op string) *labels {
	k := labelKey{connector, provider, op}
	if l, ok := labelCache.Load(k); ok {
		return l.(*labels)
	}
	attrs := []attribute.KeyValue{
		attribute.String("synqly.connector", string(connector)),
		attribute.String("synqly.provider", provider),
		attribute.String("synqly.operation", op),
	}
	l := &labels{name: string(connector) + "." + op, attrs: attrs, spanAttrs: trace.WithAttributes(attrs...),
		set: metric.WithAttributeSet(attribute.NewSet(attrs...))}
	actual, _ := labelCache.LoadOrStore(k, l)
	return actual.(*labels)
}

// telemetry is what Checkpoint reports through, for one Telemetry.
type telemetry struct {
	tracer   trace.Tracer
	calls    metric.Int64Counter
	duration metric.Float64Histogram
	log      *slog.Logger
}

var (
	telCache sync.Map // providers.Telemetry -> *telemetry
	discard  = slog.New(slog.DiscardHandler)
)

// telemetryOf returns the instruments of t, made once per Telemetry. The
// OpenTelemetry globals stand in for its nil providers, read at each call
// so that an application may set them after opening connectors.
func telemetryOf(t providers.Telemetry) *telemetry {
	if t.TracerProvider == nil {
		t.TracerProvider = otel.GetTracerProvider()
	}
	if t.MeterProvider == nil {
		t.MeterProvider = otel.GetMeterProvider()
	}
	cacheable := hashable(t.TracerProvider) && hashable(t.MeterProvider)
	if cacheable {
		if tel, ok := telCache.Load(t); ok {
			return tel.(*telemetry)
		}
	}
	tel := &telemetry{tracer: t.TracerProvider.Tracer(instrumentation), log: t.Logger}
	if tel.log == nil {
		tel.log = discard
	}
	meter := t.MeterProvider.Meter(instrumentation)
	var err error
	if tel.calls, err = meter.Int64Counter("synqly.connector.calls",
		metric.WithDescription("Connector operations called, by connector, provider, operation and error type."),
		metric.WithUnit("{call}")); err != nil {
		otel.Handle(err)
		tel.calls, _ = noop.NewMeterProvider().Meter(instrumentation).Int64Counter("synqly.connector.calls")
	}
	if tel.duration, err = meter.Float64Histogram("synqly.connector.duration",
		metric.WithDescription("Duration of connector operations, driver and vendor calls included."),
		metric.WithUnit("s")); err != nil {
		otel.Handle(err)
		tel.duration, _ = noop.NewMeterProvider().Meter(instrumentation).Float64Histogram("synqly.connector.duration")
	}
	if cacheable {
		if prev, loaded := telCache.LoadOrStore(t, tel); loaded {
			return prev.(*telemetry)
		}
	}
	return tel
}

// hashable reports whether v can be a map key (a provider that is a
// struct holding a slice cannot): such telemetry is rebuilt per call.
func hashable(v any) bool { return v == nil || reflect.TypeOf(v).Comparable() }
