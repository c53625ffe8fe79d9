package pagerduty

import "context"

// descriptionTitle titles the notes that hold a patched description:
// PagerDuty cannot change an incident's body after creation, so
// UpdateTicket writes a changed description as a note with this title.
const descriptionTitle = "Description"

// description returns a ticket's description: the content of the
// incident's latest note titled Description, else its body's details (in
// must have been read with include[]=body).
func (d *driver) description(ctx context.Context, in *pdIncident) (string, error) {
	notes, err := d.incidentNotes(ctx, in.ID)
	if err != nil {
		return "", err
	}
	for i := len(notes) - 1; i >= 0; i-- {
		if title, content := decodeNote(notes[i].Content); title == descriptionTitle {
			return content, nil
		}
	}
	if in.Body == nil {
		return "", nil
	}
	return detailsText(in.Body.Details), nil
}
