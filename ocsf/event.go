package ocsf

import (
	"encoding/json"
	"time"
)

// SchemaVersion is the version of the OCSF schema the types were generated
// from.
const SchemaVersion = "1.8.0"

// Event is an OCSF event: one of the event class types of this package
// (*DetectionFinding, *Authentication, ...). Every class embeds Base, the
// attributes that all of them share.
type Event interface {
	// ClassUID is the class's class_uid: category_uid*1000 + the class's
	// number in its category (2004 for Detection Finding).
	ClassUID() int32
	// CategoryUID is the class's category_uid (2 for Findings).
	CategoryUID() int32
	// TypeUID is class_uid*100 + activity_id.
	TypeUID() int64
	// ClassName and CategoryName are the schema's captions of the class
	// and its category ("Detection Finding", "Findings").
	ClassName() string
	CategoryName() string
	// EventBase returns the attributes every class has: time, severity,
	// metadata, message, ...
	EventBase() *Base
	// Validate checks the required attributes and enum values of the
	// event and of every object in it. See the package documentation.
	Validate() error
	// FillCaptions sets the empty captions of the enum attributes that
	// have a value (severity from severity_id, ...), here and below.
	FillCaptions()
	json.Marshaler
	json.Unmarshaler
}

// codecEvent is implemented by this package's classes: the direct way to
// their codec, without the copies of MarshalJSON and UnmarshalJSON.
type codecEvent interface {
	Event
	encodeTo(e *encoder)
	decodeFrom(d *decoder) error
}

// New returns a new empty event of the class with this class_uid, or an
// errs.InvalidInput error if the package has no such class.
func New(classUID int32) (Event, error) {
	if ev := newEvent(int64(classUID)); ev != nil {
		return ev, nil
	}
	return nil, toError(atKey(unknownClass(int64(classUID)), "class_uid"), "event")
}

func unknownClass(uid int64) error {
	return newPathError("class_uid %d is not an OCSF %s event class this package has", uid, SchemaVersion)
}

// Decode decodes one OCSF event, of the class its class_uid names. Its
// category_uid and type_uid, if present, must agree with the class (and
// with its activity_id). Attributes the class does not model are kept in
// the Extra maps, at every level. Errors are errs.InvalidInput with the
// JSON path of the problem as their Field.
//
// The strings of the event share one copy of data.
func Decode(data []byte) (Event, error) {
	d := decoder{s: string(data)}
	ev, err := decodeEvent(&d)
	if err == nil {
		err = d.end()
	}
	if err != nil {
		return nil, toError(err, "event")
	}
	return ev, nil
}

func decodeEvent(d *decoder) (Event, error) {
	uid, err := d.peekClassUID()
	if err != nil {
		return nil, err
	}
	ev := newEvent(uid)
	if ev == nil {
		return nil, atKey(unknownClass(uid), "class_uid")
	}
	if err := ev.decodeFrom(d); err != nil {
		return nil, err
	}
	return ev, nil
}

// Events is a list of events of any classes. It encodes as a JSON array
// and decodes each element by its class_uid, like Decode.
type Events []Event

// DecodeEvents decodes a JSON array of OCSF events.
func DecodeEvents(data []byte) (Events, error) {
	var evs Events
	if err := evs.UnmarshalJSON(data); err != nil {
		return nil, err
	}
	return evs, nil
}

// MarshalJSON encodes the events as a JSON array. A nil element is
// written as null.
func (evs Events) MarshalJSON() ([]byte, error) {
	if evs == nil {
		return []byte("null"), nil
	}
	e := encoder{buf: make([]byte, 0, 2048*len(evs)+2)}
	e.beginArray()
	for i, ev := range evs {
		e.elem()
		switch ev := ev.(type) {
		case nil:
			e.buf = append(e.buf, "null"...)
		case codecEvent:
			ev.encodeTo(&e)
		default:
			b, err := json.Marshal(ev)
			if err != nil {
				return nil, toError(atIndex(newPathError("%v", err), i), "events")
			}
			e.raw(b)
		}
		if e.err != nil {
			return nil, toError(atIndex(e.err, i), "events")
		}
	}
	e.endArray()
	return e.buf, nil
}

// UnmarshalJSON decodes a JSON array of events, replacing the list.
func (evs *Events) UnmarshalJSON(data []byte) error {
	d := decoder{s: string(data)}
	if d.null() {
		*evs = nil
		return toError(d.end(), "events")
	}
	more, err := d.beginArray()
	if err != nil {
		return toError(err, "events")
	}
	out := Events{}
	for n := 0; more; n++ {
		ev, err := decodeEvent(&d)
		if err != nil {
			return toError(atIndex(err, n), "events")
		}
		out = append(out, ev)
		if more, err = d.nextElement(); err != nil {
			return toError(err, "events")
		}
	}
	if err := d.end(); err != nil {
		return toError(err, "events")
	}
	*evs = out
	return nil
}

// Timestamp is OCSF's timestamp_t: milliseconds since the Unix epoch.
type Timestamp int64

// TimestampOf returns the Timestamp of t (to the millisecond).
func TimestampOf(t time.Time) Timestamp { return Timestamp(t.UnixMilli()) }

// Time returns the Timestamp as a time.Time in UTC.
func (t Timestamp) Time() time.Time { return time.UnixMilli(int64(t)).UTC() }
