package seal_test

import (
	"fmt"

	"github.com/seed-e6251c81/synqly/internal/seal"
)

func ExampleKeyring() {
	oldMaterial, _ := seal.GenerateKey()
	oldKey, _ := seal.NewKey(oldMaterial)
	sealed, keyID, _ := seal.NewKeyring(oldKey).Seal([]byte("hunter2"), []byte("credential-1"))

	// Rotation: seal with a new key, keep the old one to open old values.
	newMaterial, _ := seal.GenerateKey()
	newKey, _ := seal.ParseKey(seal.FormatKey(newMaterial)) // as read from a key file
	kr := seal.NewKeyring(newKey, oldKey)

	plaintext, err := kr.Open(sealed, keyID, []byte("credential-1"))
	fmt.Println(string(plaintext), err)

	_, err = kr.Open(sealed, keyID, []byte("credential-2"))
	fmt.Println(err != nil)
	// Output:
	// hunter2 <nil>
	// true
}
