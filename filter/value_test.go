package filter

import (
	"math"
	"testing"
	"time"
)

func TestTimeScalars(t *testing.T) {
	// Unix nanoseconds map to (second, nanosecond) and back exactly, at the
	// ends of int64 too, and agree with time.Time's.
	for _, n := range []int64{math.MinInt64, math.MinInt64 + 1, -1e9 - 1, -1e9, -1, 0, 1, 1e9, math.MaxInt64 - 1, math.MaxInt64} {
		v := nanosScalar(n)
		if nanos(v) != n || sqlRange(v) != 0 || nsec(v) < 0 || nsec(v) >= 1e9 {
			t.Errorf("%d: %+v gives %d", n, v, nanos(v))
		}
		tv, ok := timeScalar(time.Unix(0, n))
		if !ok || compareScalars(Time, tv, v) != 0 {
			t.Errorf("%d: time.Time gives %+v, want %+v", n, tv, v)
		}
		if s, ok := parseBigNanos(bigNanos(v)); !ok || s != v {
			t.Errorf("%d: through text %+v %v", n, s, ok)
		}
	}
	for _, c := range []struct {
		t    time.Time
		side int
	}{
		{time.Unix(0, math.MaxInt64).Add(1), 1},
		{time.Unix(0, math.MinInt64).Add(-1), -1},
		{time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), 1},
		{time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), -1},
	} {
		v, ok := timeScalar(c.t)
		if !ok || sqlRange(v) != c.side {
			t.Errorf("%v: range %d, want %d", c.t, sqlRange(v), c.side)
		}
		if s, ok := parseBigNanos(bigNanos(v)); !ok || s != v {
			t.Errorf("%v: through text %+v %v", c.t, s, ok)
		}
		if !timeOf(v).Equal(c.t) {
			t.Errorf("%v: timeOf %v", c.t, timeOf(v))
		}
	}
	// The extremes of time.Time: the Unix second of the first ones
	// overflows, and they are refused; the last ones fit.
	first := time.Unix(math.MinInt64, 0).Add(-time.Duration(math.MaxInt64))
	if _, ok := timeScalar(first); ok {
		t.Errorf("%v accepted", first)
	}
	if v, ok := timeScalar(time.Unix(math.MinInt64, 0)); !ok || v.n != math.MinInt64 {
		t.Errorf("first Unix second: %+v %v", v, ok)
	}
	last := time.Unix(math.MaxInt64-62135596800, 999999999)
	if v, ok := timeScalar(last); !ok || !timeOf(v).Equal(last) {
		t.Errorf("%v: %+v %v", last, v, ok)
	}
	for _, s := range []string{"", "-", "1.5", "1e3", "+1", " 1", "0x10", "99999999999999999999999999999999"} {
		if _, ok := parseBigNanos(s); ok {
			t.Errorf("parseBigNanos(%q) accepted", s)
		}
	}
}
