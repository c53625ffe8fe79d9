package sink

// Operation names one connector operation. Its OperationId in the hosted
// API is "sink_" + the name.
type Operation string

// OpPostEvents writes events to the sink: the connector's one operation.
const OpPostEvents Operation = "post_events"

// Operations lists every operation.
var Operations = []Operation{OpPostEvents}

// OperationID returns the hosted API's OperationId, "sink_post_events".
func (o Operation) OperationID() string { return "sink_" + string(o) }
