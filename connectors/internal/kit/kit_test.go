package kit_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"unicode/utf8"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/seed-e6251c81/synqly/connectors/internal/kit"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
)

type drv struct{ name string }

// telemetry returns a Telemetry recording into memory.
func telemetry(t *testing.T) (providers.Telemetry, *tracetest.InMemoryExporter, *sdkmetric.ManualReader, *bytes.Buffer) {
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()); _ = mp.Shutdown(context.Background()) })
	var logs bytes.Buffer
	return providers.Telemetry{TracerProvider: tp, MeterProvider: mp,
		Logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}, spans, reader, &logs
}

func fixed(tel providers.Telemetry, ops ...string) *kit.Binding[*drv] {
	return kit.Fixed(providers.Provider{ID: "ticketing_x", Category: providers.Ticketing, Operations: ops}, &drv{"x"}, tel)
}

func TestCheckpoint(t *testing.T) {
	tel, spans, reader, logs := telemetry(t)
	b := fixed(tel, "get_ticket")
	ctx := context.Background()

	v, err := kit.Do(ctx, b, "get_ticket", func(ctx context.Context, d *drv, r *providers.Resolved) (string, error) {
		return d.name, nil
	})
	if err != nil || v != "x" {
		t.Fatalf("Do = %q, %v", v, err)
	}
	vendor := &errs.ProviderError{Status: 503, Message: "down"}
	_, err = kit.Do(ctx, b, "get_ticket", func(context.Context, *drv, *providers.Resolved) (string, error) {
		return "", &errs.Error{Code: errs.Provider, Message: "jira: GET /x: HTTP 503", Cause: vendor}
	})
	var e *errs.Error
	var pe *errs.ProviderError
	if !errors.As(err, &e) || e.Provider != "ticketing_x" || e.Operation != "get_ticket" || !errors.Is(err, errs.ErrProvider) {
		t.Fatalf("the error is not wrapped with provider and operation: %#v", err)
	}
	if !errors.As(err, &pe) || pe.Provider != "ticketing_x" || pe.Operation != "get_ticket" {
		t.Errorf("the vendor's answer does not learn provider and operation: %+v", pe)
	}
	if !strings.HasPrefix(err.Error(), "provider_error: ticketing_x get_ticket: ") {
		t.Errorf("message %q", err.Error())
	}
	// Wrapped once: wrapping again changes nothing.
	if again := kit.Wrap(err, "other", "op"); again != err {
		t.Errorf("Wrap wrapped twice: %v", again)
	}
	// The caller's cancellation keeps its code and its cause.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = kit.Do(cctx, b, "get_ticket", func(ctx context.Context, _ *drv, _ *providers.Resolved) (string, error) {
		return "", ctx.Err()
	})
	if !errors.Is(err, context.Canceled) || !errors.Is(err, errs.ErrCanceled) || !errors.As(err, &e) || e.Operation != "get_ticket" {
		t.Errorf("a canceled call: %v", err)
	}
	// The gate: an undeclared operation never reaches the driver.
	_, err = kit.Do(ctx, b, "create_ticket", func(context.Context, *drv, *providers.Resolved) (string, error) {
		t.Error("the driver was reached")
		return "", nil
	})
	if !errors.Is(err, errs.ErrUnsupported) || !strings.Contains(err.Error(), "ticketing_x does not support create_ticket") {
		t.Errorf("undeclared operation: %v", err)
	}

	got := spans.GetSpans()
	if len(got) != 3 {
		t.Fatalf("%d spans, want 3 (the refused call makes none)", len(got))
	}
	for i, sp := range got {
		if sp.Name != "ticketing.get_ticket" || !has(sp.Attributes, "synqly.provider", "ticketing_x") || !has(sp.Attributes, "synqly.operation", "get_ticket") {
			t.Errorf("span %d: %s %v", i, sp.Name, sp.Attributes)
		}
	}
	if got[0].Status.Code == codes.Error || got[1].Status.Code != codes.Error || got[1].Status.Description != "provider_error" ||
		got[2].Status.Description != "canceled" {
		t.Errorf("span statuses: %v %v %v", got[0].Status, got[1].Status, got[2].Status)
	}

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(ctx, &rm); err != nil {
		t.Fatal(err)
	}
	var calls, durations int64
	byError := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch data := m.Data.(type) {
			case metricdata.Sum[int64]:
				if m.Name == "synqly.connector.calls" {
					for _, dp := range data.DataPoints {
						calls += dp.Value
						et, _ := dp.Attributes.Value("error.type")
						byError[et.AsString()] += dp.Value
					}
				}
			case metricdata.Histogram[float64]:
				if m.Name == "synqly.connector.duration" {
					for _, dp := range data.DataPoints {
						durations += int64(dp.Count)
					}
				}
			}
		}
	}
	if calls != 3 || durations != 3 || byError[""] != 1 || byError["provider_error"] != 1 || byError["canceled"] != 1 {
		t.Errorf("metrics: %d calls, %d durations, by error %v", calls, durations, byError)
	}
	if n := strings.Count(logs.String(), `"msg":"synqly: connector call"`); n != 3 || !strings.Contains(logs.String(), `"operation":"get_ticket"`) {
		t.Errorf("%d debug lines:\n%s", n, logs)
	}
}

func has(attrs []attribute.KeyValue, k, v string) bool {
	for _, a := range attrs {
		if string(a.Key) == k && a.Value.AsString() == v {
			return true
		}
	}
	return false
}

// TestBindingChecksTheDriver: a source answering a driver of another
// connector is an internal error, not a panic.
func TestBindingChecksTheDriver(t *testing.T) {
	b := kit.Fixed[*drv](providers.Provider{ID: "x", Category: providers.Ticketing}, nil)
	if _, _, err := b.Resolve(context.Background()); err != nil {
		t.Errorf("a typed nil is still a *drv: %v", err)
	}
	wrong := kit.Bind[*drv](providers.Ticketing, source{}, "in-1")
	_, _, err := wrong.Resolve(context.Background())
	if !errors.Is(err, errs.ErrInternal) {
		t.Errorf("wrong driver type: %v", err)
	}
	var nilb *kit.Binding[*drv]
	if _, _, err := nilb.Resolve(context.Background()); !errors.Is(err, errs.ErrInvalidInput) {
		t.Errorf("nil binding: %v", err)
	}
	var noCtx context.Context // a caller's mistake, answered with an error
	if _, _, err := wrong.Resolve(noCtx); !errors.Is(err, errs.ErrInvalidInput) {
		t.Errorf("nil context: %v", err)
	}
}

type source struct{}

func (source) ResolveDriver(context.Context, string, providers.Category) (*providers.Resolved, error) {
	return &providers.Resolved{Driver: "not a driver", Provider: providers.Provider{ID: "x"}}, nil
}

func TestCheckFieldsNamesTheSameFieldEveryRun(t *testing.T) {
	f := kit.Fields{Summary: "", Creator: "\xff", Tags: []string{"a b"}}
	for range 50 {
		var e *errs.Error
		if err := kit.CheckFields(f); !errors.As(err, &e) || e.Field != "summary" {
			t.Fatalf("error %v", err)
		}
	}
	f.Summary = "ok"
	for range 50 {
		var e *errs.Error
		if err := kit.CheckFields(f); !errors.As(err, &e) || e.Field != "creator" {
			t.Fatalf("error %v", err)
		}
	}
}

func TestClipKeepsCharactersWhole(t *testing.T) {
	s := strings.Repeat("é", 40) // 80 bytes
	c := kit.Clip(s)
	if !utf8.ValidString(c) || len(c) > 64+len("…") || !strings.HasSuffix(c, "…") {
		t.Errorf("Clip = %q", c)
	}
}

func TestChanged(t *testing.T) {
	type v struct {
		A string   `json:"a"`
		B []string `json:"b,omitempty"`
		C int      `json:"c"`
	}
	got := kit.Changed(v{A: "x", B: []string{"1"}, C: 1}, v{A: "x", C: 2})
	if strings.Join(got, ",") != "b,c" {
		t.Errorf("Changed = %v", got)
	}
}

// BenchmarkCheckpoint measures what one connector call pays for its
// checkpoint: with telemetry off (the OpenTelemetry no-op globals, no
// debug logging) and on (the SDK's tracer with an in-memory exporter, a
// metrics reader and a debug logger), around an operation that does
// nothing.
func BenchmarkCheckpoint(b *testing.B) {
	ctx := context.Background()
	op := func(context.Context, *drv, *providers.Resolved) (int, error) { return 1, nil }
	b.Run("off", func(b *testing.B) {
		bind := fixed(providers.Telemetry{}, "get_ticket")
		b.ReportAllocs()
		for b.Loop() {
			if _, err := kit.Do(ctx, bind, "get_ticket", op); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("on", func(b *testing.B) {
		spans := tracetest.NewInMemoryExporter()
		tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
		mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
		defer tp.Shutdown(ctx)
		defer mp.Shutdown(ctx)
		bind := fixed(providers.Telemetry{TracerProvider: tp, MeterProvider: mp,
			Logger: slog.New(slog.NewJSONHandler(discardWriter{}, &slog.HandlerOptions{Level: slog.LevelDebug}))}, "get_ticket")
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			if _, err := kit.Do(ctx, bind, "get_ticket", op); err != nil {
				b.Fatal(err)
			}
			if n++; n%4096 == 0 {
				spans.Reset() // the exporter keeps what it is given
			}
		}
	})
}

type discardWriter struct{}

func (discardWriter) Write(p []byte) (int, error) { return len(p), nil }
