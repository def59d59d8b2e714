// Package telemetry turns on OpenTelemetry tracing when OTEL_EXPORTER_OTLP_ENDPOINT is set:
// spans for each HTTP request (echo's otelecho middleware) and for each River job inserted and
// worked (River's otelriver middleware), linked through the job's metadata, exported over
// OTLP/HTTP. The exporter reads the other OTEL_* variables (headers, protocol, timeout) itself.
package telemetry

import (
	"context"
	"encoding/json"

	"github.com/riverqueue/river/rivertype"
	"github.com/riverqueue/rivercontrib/otelriver"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// Tracing is the process's tracer provider, or nothing when tracing is off.
type Tracing struct {
	Provider trace.TracerProvider
	shutdown func(context.Context) error
}

// Enabled reports whether spans are exported.
func (t *Tracing) Enabled() bool { return t != nil && t.Provider != nil }

// Setup starts exporting spans when endpoint (OTEL_EXPORTER_OTLP_ENDPOINT) is set, naming
// this process service; with no endpoint it returns a Tracing that is off.
func Setup(ctx context.Context, endpoint, service, version string) (*Tracing, error) {
	if endpoint == "" {
		return &Tracing{}, nil
	}
	exp, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, err
	}
	res, err := resource.Merge(resource.Default(), resource.NewSchemaless(
		attribute.String("service.name", service), attribute.String("service.version", version)))
	if err != nil {
		return nil, err
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	return &Tracing{Provider: tp, shutdown: tp.Shutdown}, nil
}

// Shutdown flushes the spans still buffered.
func (t *Tracing) Shutdown(ctx context.Context) error {
	if t == nil || t.shutdown == nil {
		return nil
	}
	return t.shutdown(ctx)
}

// RiverPlugins returns the River plugins that trace job inserts and work, none when off.
func (t *Tracing) RiverPlugins() []rivertype.Plugin {
	if !t.Enabled() {
		return nil
	}
	return []rivertype.Plugin{otelriver.NewMiddleware(&otelriver.MiddlewareConfig{
		TracerProvider:              t.Provider,
		EnableTracePropagation:      true,
		EnableWorkSpanJobKindSuffix: true,
	})}
}

// JobMetadata is River job metadata carrying the W3C trace context of ctx, nil when ctx has
// none or tracing is off: the jobs a group inserts, outside any one caller's span, still link
// to the span each was asked for in (otelriver reads it when the job is worked).
func (t *Tracing) JobMetadata(ctx context.Context) []byte {
	if !t.Enabled() {
		return nil
	}
	carrier := propagation.MapCarrier{}
	propagation.TraceContext{}.Inject(ctx, carrier)
	if len(carrier) == 0 {
		return nil
	}
	b, _ := json.Marshal(carrier)
	return b
}
