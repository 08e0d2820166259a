package cases

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestCopyMatchesShared: when the team's shared case folder (../shared/cases
// beside the module root) exists, testdata/cases must be an exact copy of it.
// Corrections go in testdata/cases/overrides.json, never into the copied files.
func TestCopyMatchesShared(t *testing.T) {
	shared := filepath.Join(Dir(), "..", "..", "..", "shared", "cases")
	if _, err := os.Stat(shared); err != nil {
		t.Skipf("no shared cases at %s: nothing to compare", shared)
	}
	var sharedFiles []string
	err := filepath.WalkDir(shared, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(shared, p)
		sharedFiles = append(sharedFiles, rel)
		want, _ := os.ReadFile(p)
		got, err := os.ReadFile(filepath.Join(Dir(), rel))
		if err != nil {
			t.Errorf("%s is in the shared cases but not in testdata/cases: copy it", rel)
			return nil
		}
		if !bytes.Equal(got, want) {
			t.Errorf("testdata/cases/%s differs from the shared copy: restore it and put corrections in overrides.json", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{"overrides.json": true}
	for _, f := range sharedFiles {
		seen[f] = true
	}
	_ = filepath.WalkDir(Dir(), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(Dir(), p)
		if !seen[rel] {
			t.Errorf("testdata/cases/%s is not in the shared cases", rel)
		}
		return nil
	})
	overrides, err := Overrides()
	if err != nil {
		t.Fatal(err)
	}
	for id, o := range overrides {
		if o.Reason == "" {
			t.Errorf("override %s has no reason", id)
		}
	}
}
