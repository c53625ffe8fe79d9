package mock_test

import (
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/notifications"
	"github.com/seed-e6251c81/synqly/connectors/notifications/notificationstest"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/mock"
)

func TestNotificationsConformance(t *testing.T) {
	notificationstest.Run(t, notificationstest.Harness{
		Registration: mock.Notifications,
		Open: func(t *testing.T) notifications.Driver {
			d, err := mock.Notifications.Open(t.Context(), providers.OpenRequest{Config: &mock.NotificationsConfig{Channel: "#sec"}})
			if err != nil {
				t.Fatal(err)
			}
			return d
		},
	})
}

func TestNotificationsConfig(t *testing.T) {
	for _, ch := range []string{"two\nlines", "bad \xff"} {
		if _, err := mock.Notifications.Open(t.Context(), providers.OpenRequest{Config: &mock.NotificationsConfig{Channel: ch}}); err == nil {
			t.Errorf("channel %q was accepted", ch)
		}
	}
	if _, err := mock.Notifications.Open(t.Context(), providers.OpenRequest{Config: &mock.TicketingConfig{}}); err == nil {
		t.Error("a ticketing configuration was accepted")
	}
	d, err := mock.Notifications.Open(t.Context(), providers.OpenRequest{Config: &mock.NotificationsConfig{Channel: "#sec"}})
	if err != nil {
		t.Fatal(err)
	}
	n, err := d.CreateMessage(t.Context(), notifications.CreateMessageRequest{Summary: "s"})
	if err != nil || n.Project != "#sec" || n.ID != "MSG-00000001" {
		t.Errorf("CreateMessage = %+v, %v; want MSG-00000001 in #sec", n, err)
	}
}
