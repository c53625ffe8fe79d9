package storage

// Operation names one connector operation. Its OperationId in the hosted
// API is "storage_" + the name.
type Operation string

// The storage operations.
const (
	OpListFiles    Operation = "list_files"
	OpUploadFile   Operation = "upload_file"
	OpDownloadFile Operation = "download_file"
	OpDeleteFile   Operation = "delete_file"
)

// Operations lists every operation, in the reference's order.
var Operations = []Operation{OpListFiles, OpUploadFile, OpDownloadFile, OpDeleteFile}

// OperationID returns the hosted API's OperationId, e.g.
// "storage_upload_file".
func (o Operation) OperationID() string { return "storage_" + string(o) }
