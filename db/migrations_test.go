package db

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"testing"
)

// appliedMigrations pins the SHA-256 of every released migration. Changing a
// released file fails here: add a new numbered file instead.
var appliedMigrations = map[string]string{
	"0001_init.sql":           "30e217323ef7795165e8ae9719936c2c19652a6e4046d8d0612b4689c636e9ed",
	"0002_secrets.sql":        "abfe5da0072bc548be2c4693c4c3069db8a576991871a543891a5c6ebc33b5dc",
	"0003_login_throttle.sql": "9a6de095871f536b09000d0ee21e1c546a47843b021f03243dbe9ac6cf6641b0",
}

func migrationFiles(t testing.TB) []string {
	t.Helper()
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func TestMigrationsNeverEdited(t *testing.T) {
	for _, name := range migrationFiles(t) {
		data, _ := migrations.ReadFile(name)
		sum := sha256.Sum256(data)
		base := name[len("migrations/"):]
		want, ok := appliedMigrations[base]
		if !ok {
			t.Errorf("%s: not pinned in appliedMigrations; add its hash %s", base, hex.EncodeToString(sum[:]))
			continue
		}
		if got := hex.EncodeToString(sum[:]); got != want {
			t.Errorf("%s: content changed (sha256 %s, pinned %s); never edit a released migration, add a new one", base, got, want)
		}
	}
}
