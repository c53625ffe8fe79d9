package notifications

// Operation names one connector operation. Its OperationId in the hosted
// API is "notifications_" + the name.
type Operation string

// The notifications operations.
const (
	OpCreateMessage Operation = "create_message"
	OpGetMessage    Operation = "get_message"
	OpClearMessage  Operation = "clear_message"
)

// Operations lists every operation, in the reference's order.
var Operations = []Operation{OpCreateMessage, OpGetMessage, OpClearMessage}

// OperationID returns the hosted API's OperationId, e.g.
// "notifications_create_message".
func (o Operation) OperationID() string { return "notifications_" + string(o) }
