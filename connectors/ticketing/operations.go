package ticketing

// Operation names one connector operation. Its OperationId in the hosted
// API is "ticketing_" + the name.
type Operation string

// The ticketing operations.
const (
	OpListProjects            Operation = "list_projects"
	OpListIssueTypes          Operation = "list_issue_types"
	OpListRemoteFields        Operation = "list_remote_fields"
	OpQueryTickets            Operation = "query_tickets"
	OpGetTicket               Operation = "get_ticket"
	OpCreateTicket            Operation = "create_ticket"
	OpPatchTicket             Operation = "patch_ticket"
	OpCreateAttachment        Operation = "create_attachment"
	OpListAttachmentsMetadata Operation = "list_attachments_metadata"
	OpDownloadAttachment      Operation = "download_attachment"
	OpDeleteAttachment        Operation = "delete_attachment"
	OpListComments            Operation = "list_comments"
	OpCreateComment           Operation = "create_comment"
	OpDeleteComment           Operation = "delete_comment"
	OpCreateNote              Operation = "create_note"
	OpListNotes               Operation = "list_notes"
	OpPatchNote               Operation = "patch_note"
	OpDeleteNote              Operation = "delete_note"
	OpQueryEscalationPolicies Operation = "query_escalation_policies"
	OpListOnCall              Operation = "list_on_call"
)

// Operations lists every operation, in the reference's order.
var Operations = []Operation{OpListRemoteFields, OpListProjects, OpListIssueTypes, OpQueryTickets, OpGetTicket,
	OpCreateTicket, OpPatchTicket, OpCreateAttachment, OpListAttachmentsMetadata, OpDownloadAttachment,
	OpDeleteAttachment, OpListComments, OpCreateComment, OpDeleteComment, OpCreateNote, OpListNotes, OpPatchNote,
	OpDeleteNote, OpQueryEscalationPolicies, OpListOnCall}

// OperationID returns the hosted API's OperationId, e.g.
// "ticketing_create_ticket".
func (o Operation) OperationID() string { return "ticketing_" + string(o) }
