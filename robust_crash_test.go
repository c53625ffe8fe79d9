package synqly_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/providers/jira"
)

// crashEnv names the database the crash helper child writes to; without it
// TestCrashHelper does nothing.
const crashEnv = "SYNQLY_ROBUST_CRASH_DB"

// TestCrashHelper is the child of TestCrashSafetySQLite: it writes a burst
// to the database named by $SYNQLY_ROBUST_CRASH_DB and prints one line per
// acknowledged write, until it is killed:
//
//	ACK A <account id>
//	ACK I <account id> <integration id>
//	ACK D <account id>
func TestCrashHelper(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("only run as the child of TestCrashSafetySQLite")
	}
	ctx := context.Background()
	c, err := synqly.Open(ctx, synqly.WithDatabasePath(path), synqly.WithSecretKey(testKey), synqly.WithLogger(quiet()))
	if err != nil {
		fmt.Println("ERR open", err)
		os.Exit(2)
	}
	ack := func(format string, args ...any) {
		// fmt.Printf writes straight to the unbuffered stdout: the line is
		// in the pipe before the next write starts.
		fmt.Printf("ACK "+format+"\n", args...)
	}
	var live []string
	for i := 0; ; i++ {
		a, err := c.Accounts.Create(ctx, synqly.CreateAccountRequest{Name: fmt.Sprintf("crash-%d", i), Labels: []string{"crash"}})
		if err != nil {
			fmt.Println("ERR account", err)
			os.Exit(2)
		}
		ack("A %s", a.ID)
		live = append(live, a.ID)
		for j := range 2 {
			res, err := c.Integrations.Create(ctx, a.ID, synqly.CreateIntegrationRequest{
				Name: fmt.Sprintf("jira-%d-%d", i, j),
				ProviderConfig: &synqly.ProviderConfig{Type: jira.TicketingID, Config: &jira.TicketingConfig{URL: "https://acme.atlassian.net",
					Credential: credential.Inline(&credential.BasicCredential{Username: "bot@example.com", Secret: robustSecret})}},
			})
			if err != nil {
				fmt.Println("ERR integration", err)
				os.Exit(2)
			}
			ack("I %s %s", a.ID, res.Integration.ID)
		}
		// An unmanaged account credential too, deleted with the account.
		if _, err := c.Credentials.Create(ctx, a.ID, synqly.CreateCredentialRequest{Name: fmt.Sprintf("tok-%d", i),
			Config: &credential.TokenCredential{Secret: robustSecret}}); err != nil {
			fmt.Println("ERR credential", err)
			os.Exit(2)
		}
		if i%3 == 2 {
			victim := live[0]
			live = live[1:]
			// Announced first: a delete the kill interrupts may or may not
			// have committed, and both are correct.
			fmt.Printf("INTENT D %s\n", victim)
			if err := c.Accounts.Delete(ctx, victim); err != nil {
				fmt.Println("ERR delete", err)
				os.Exit(2)
			}
			ack("D %s", victim)
		}
	}
}

// TestCrashSafetySQLite kills a writing child process with SIGKILL at
// different points and checks that the database it leaves is intact: every
// acknowledged write is there, every acknowledged delete is complete, and no
// multi-row operation is half-done.
func TestCrashSafetySQLite(t *testing.T) {
	if os.Getenv(crashEnv) != "" {
		t.Skip("in the child")
	}
	if testing.Short() {
		t.Skip("spawns processes")
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	deadline := time.Now().Add(20 * time.Second)
	for round := range 5 {
		if time.Now().After(deadline) {
			t.Logf("stopping after %d rounds to stay within the time budget", round)
			break
		}
		killAfter := 5 + round*9 + rng.IntN(6)
		extraDelay := time.Duration(rng.IntN(4000)) * time.Microsecond
		t.Run(fmt.Sprintf("round%d_kill_after_%d_acks", round, killAfter), func(t *testing.T) {
			crashRound(t, killAfter, extraDelay)
		})
	}
}

type crashAcks struct {
	deleting     map[string]bool // deletes begun; an unacknowledged one may have committed
	accounts     map[string]bool
	integrations map[string]string // integration id → account id
	deleted      map[string]bool
	n            int
}

func crashRound(t *testing.T, killAfter int, extraDelay time.Duration) {
	path := filepath.Join(t.TempDir(), "crash.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$", "-test.count=1", "-test.timeout=60s")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	killed := false
	kill := func() {
		if !killed {
			killed = true
			_ = cmd.Process.Kill() // SIGKILL on Unix
		}
	}
	defer kill()
	acks := &crashAcks{accounts: map[string]bool{}, integrations: map[string]string{}, deleted: map[string]bool{},
		deleting: map[string]bool{}}
	var other []string
	timer := time.AfterFunc(15*time.Second, kill)
	defer timer.Stop()
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		line := sc.Text()
		f := strings.Fields(line)
		if len(f) == 3 && f[0] == "INTENT" && f[1] == "D" {
			acks.deleting[f[2]] = true
			continue
		}
		if len(f) < 3 || f[0] != "ACK" {
			other = append(other, line)
			continue
		}
		acks.n++
		switch f[1] {
		case "A":
			acks.accounts[f[2]] = true
		case "I":
			acks.integrations[f[3]] = f[2]
		case "D":
			acks.deleted[f[2]] = true
		}
		if acks.n == killAfter {
			if extraDelay > 0 {
				time.AfterFunc(extraDelay, kill)
			} else {
				kill()
			}
		}
	}
	_ = cmd.Wait()
	require.True(t, killed, "the child stopped by itself: %q", other)
	require.GreaterOrEqual(t, acks.n, killAfter, "output: %q", other)
	t.Logf("killed after %d acknowledged writes (+%v): %d accounts, %d integrations, %d deletes",
		acks.n, extraDelay, len(acks.accounts), len(acks.integrations), len(acks.deleted))
	checkCrashDB(t, path, acks)
}

func checkCrashDB(t *testing.T, path string, acks *crashAcks) {
	db, err := sql.Open("sqlite3", "file:"+path+"?_foreign_keys=on")
	require.NoError(t, err)
	defer db.Close()
	var integrity string
	require.NoError(t, db.QueryRow("PRAGMA integrity_check").Scan(&integrity))
	require.Equal(t, "ok", integrity)
	rows, err := db.Query("PRAGMA foreign_key_check")
	require.NoError(t, err)
	fkViolations := 0
	for rows.Next() {
		fkViolations++
	}
	require.NoError(t, rows.Err())
	rows.Close()
	require.Zero(t, fkViolations, "foreign key violations")

	ids := func(q string, args ...any) map[string]string {
		rows, err := db.Query(q, args...)
		require.NoError(t, err)
		defer rows.Close()
		m := map[string]string{}
		for rows.Next() {
			var k string
			var v sql.NullString
			require.NoError(t, rows.Scan(&k, &v))
			m[k] = v.String
		}
		require.NoError(t, rows.Err())
		return m
	}
	accounts := ids("SELECT id, name FROM accounts")
	integrations := ids("SELECT id, account_id FROM integrations")
	managed := ids("SELECT id, integration_id FROM credentials WHERE managed = 'Managed'")
	credAccounts := ids("SELECT id, account_id FROM credentials")

	for id := range acks.accounts {
		switch {
		case acks.deleted[id]:
			require.NotContains(t, accounts, id, "an acknowledged delete of account %s was lost", id)
		case acks.deleting[id]: // interrupted: either outcome, checked whole below
		default:
			require.Contains(t, accounts, id, "acknowledged account %s is missing", id)
		}
	}
	for in, acct := range acks.integrations {
		switch {
		case acks.deleted[acct]:
			require.NotContains(t, integrations, in, "integration %s of deleted account %s remains", in, acct)
		case acks.deleting[acct]:
			_, acctThere := accounts[acct]
			_, inThere := integrations[in]
			require.Equal(t, acctThere, inThere, "an interrupted account delete was half-applied to integration %s", in)
		default:
			require.Contains(t, integrations, in, "acknowledged integration %s is missing", in)
		}
	}
	// No half-written multi-row operation: every integration has exactly its
	// one managed credential, every managed credential its integration, and
	// nothing of a deleted account remains.
	perIntegration := map[string]int{}
	for cred, in := range managed {
		require.Contains(t, integrations, in, "managed credential %s outlives its integration %q", cred, in)
		perIntegration[in]++
	}
	for in, acct := range integrations {
		require.Contains(t, accounts, acct, "integration %s of missing account %s", in, acct)
		require.Equal(t, 1, perIntegration[in], "integration %s has %d managed credentials, want 1", in, perIntegration[in])
	}
	for cred, acct := range credAccounts {
		if acct != "" {
			require.Contains(t, accounts, acct, "credential %s of missing account %s", cred, acct)
		}
		require.False(t, acks.deleted[acct], "credential %s of deleted account %s remains", cred, acct)
	}
	// The library itself reopens the file and reads it.
	c, err := synqly.Open(context.Background(), synqly.WithDatabasePath(path), synqly.WithSecretKey(testKey), synqly.WithLogger(quiet()))
	require.NoError(t, err)
	defer c.Close()
	n := 0
	for _, err := range c.Accounts.All(context.Background(), synqly.ListOptions{}) {
		require.NoError(t, err)
		n++
	}
	require.Equal(t, len(accounts), n)
}
