package filter_test

import (
	"fmt"
	"time"

	"github.com/seed-e6251c81/synqly/filter"
)

// integrations is the field set of an example resource.
var integrations = &filter.FieldSet{
	Resource: "integrations",
	Fields: []filter.Field{
		{Name: "id", Type: filter.String, Column: "t.id", Orderable: true},
		{Name: "name", Type: filter.String, Column: "t.name", Orderable: true},
		{Name: "created_at", Type: filter.Time, Column: "t.created_at", Orderable: true},
		{Name: "account.name", Type: filter.String, Column: "account.name", Join: "account", Orderable: true},
	},
	Relations: []filter.Relation{{
		Name:    "account",
		Aliases: []string{"accounts"},
		Join:    "LEFT JOIN accounts account ON account.id = t.account_id",
	}},
	Tiebreak: "id",
}

func ExampleParse() {
	q, err := filter.Parse(filter.Params{
		Filter: []string{"name[like]splunk*", "status[Not In]closed,done"},
		Order:  []string{"created_at[dsc]"},
		Limit:  10,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range q.Filters {
		fmt.Printf("%s %q %q\n", c.Field, c.Op, c.Values)
	}
	fmt.Println(q.Order, q.Limit)

	_, err = filter.Parse(filter.Params{Filter: []string{"name[eqq]x"}})
	fmt.Println(err)
	// Output:
	// name "like" []
	// status "not in" ["closed" "done"]
	// [created_at[desc]] 10
	// invalid_query: unknown operator "eqq" in filter "name[eqq]x"; use one of eq, ne, gt, lt, gte, lte, in, like, not in, not like
}

func ExampleBound_SQL() {
	q, _ := filter.Parse(filter.Params{
		Filter: []string{"accounts.name[like]Acme*", "created_at[gte]2024-08-23T20:41:41Z"},
		Order:  []string{"name[desc]"},
	})
	b, err := q.Bind(integrations)
	if err != nil {
		fmt.Println(err)
		return
	}
	s, _ := b.SQL(filter.Postgres, 1)
	fmt.Println(s.Joins)
	fmt.Println(s.Where)
	fmt.Println(s.Args)
	fmt.Println(s.OrderBy, b.Limit())

	// The next page starts after the last row's order values.
	where, args, _ := b.KeysetSQL(filter.Postgres, filter.Cursor{"splunk", "id-7"}, len(s.Args)+1)
	fmt.Println(where, args)
	// Output:
	// [LEFT JOIN accounts account ON account.id = t.account_id]
	// account.name ILIKE $1 ESCAPE '\' AND t.created_at >= $2
	// [Acme% 1724445701000000000]
	// t.name DESC, t.id DESC 100
	// t.name <= $3 AND ((t.name < $4) OR (t.name = $5 AND t.id < $6)) [splunk splunk splunk id-7]
}

func ExampleBound_Match() {
	q, _ := filter.Parse(filter.Params{
		Filter: []string{"name[like]splunk*", "created_at[gt]2024-01-01T00:00:00Z"},
		Order:  []string{"created_at[desc]"},
	})
	b, _ := q.Bind(integrations)
	records := []filter.Map{
		{"id": "1", "name": "splunk_a", "created_at": time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)},
		{"id": "2", "name": "Splunk_b", "created_at": "2024-06-01T00:00:00Z"},
		{"id": "3", "name": "jira", "created_at": time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC)},
		{"id": "4", "name": "splunk_old", "created_at": time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	var kept []filter.Map
	for _, r := range records {
		if b.Match(r) {
			kept = append(kept, r)
		}
	}
	filter.Sort(b, kept)
	for _, r := range kept {
		fmt.Println(r["id"], r["name"])
	}
	// Output:
	// 2 Splunk_b
	// 1 splunk_a
}
