package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Role is a staff role.
type Role string

// Staff roles: admins manage and void, therapists review, front desk lists and exports.
const (
	RoleAdmin     Role = "admin"
	RoleTherapist Role = "therapist"
	RoleFrontDesk Role = "frontdesk"
)

// Valid reports whether r is one of the three roles.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleTherapist || r == RoleFrontDesk }

// User is a staff account. Emails compare case-insensitively (ASCII).
type User struct {
	ID           int64
	Email        string
	Role         Role
	PasswordHash string    // argon2id encoded hash; hashing is the caller's
	DisabledAt   time.Time // zero while active
	CreatedAt    time.Time // UTC
}

// AddUser stores a new user and returns its id. Returns ErrExists if the email
// is taken (whatever its case), ErrInvalid for an unknown role or a missing field.
func AddUser(tx *sql.Tx, email string, role Role, passwordHash string, at time.Time) (int64, error) {
	if email == "" || passwordHash == "" || at.IsZero() || !role.Valid() {
		return 0, fmt.Errorf("%w: user needs email, a known role, a password hash and a time", ErrInvalid)
	}
	res, err := tx.Exec(`INSERT INTO users (email, role, password_hash, created_at) VALUES (?,?,?,?)`,
		email, string(role), passwordHash, ts(at))
	if isUnique(err) {
		return 0, fmt.Errorf("%w: user email", ErrExists)
	}
	if err != nil {
		return 0, fmt.Errorf("db: add user: %w", err)
	}
	return res.LastInsertId()
}

// DisableUser marks the user with that email disabled at at (the first time
// counts). Returns ErrNotFound if there is no such user.
func DisableUser(tx *sql.Tx, email string, at time.Time) error {
	return updateUser(tx, email, `UPDATE users SET disabled_at = coalesce(disabled_at, ?) WHERE email = ?`, ts(at), email)
}

// EnableUser clears the disabled mark of the user with that email, so that
// they may sign in again; the sessions that ended when they were disabled stay
// ended. Enabling an active user changes nothing. Returns ErrNotFound if there
// is no such user.
func EnableUser(tx *sql.Tx, email string) error {
	return updateUser(tx, email, `UPDATE users SET disabled_at = NULL WHERE email = ?`, email)
}

// SetPassword replaces the password hash of the user with that email. Returns
// ErrNotFound if there is no such user.
func SetPassword(tx *sql.Tx, email, passwordHash string) error {
	if passwordHash == "" {
		return fmt.Errorf("%w: empty password hash", ErrInvalid)
	}
	return updateUser(tx, email, `UPDATE users SET password_hash = ? WHERE email = ?`, passwordHash, email)
}

func updateUser(tx *sql.Tx, email, q string, args ...any) error {
	res, err := tx.Exec(q, args...)
	if err != nil {
		return fmt.Errorf("db: update user: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("db: update user: %w", err)
	} else if n == 0 {
		return fmt.Errorf("%w: user", ErrNotFound)
	}
	return nil
}

const userColumns = `id, email, role, password_hash, disabled_at, created_at`

func scanUser(r rowScanner) (User, error) {
	var u User
	var role, created string
	var disabled sql.NullString
	if err := r.Scan(&u.ID, &u.Email, &role, &u.PasswordHash, &disabled, &created); err != nil {
		return User{}, err
	}
	u.Role = Role(role)
	var err error
	if u.DisabledAt, err = parseNullTS(disabled); err != nil {
		return User{}, err
	}
	if u.CreatedAt, err = parseTS(created); err != nil {
		return User{}, err
	}
	return u, nil
}

func (d *DB) user(ctx context.Context, where string, arg any) (User, error) {
	u, err := scanUser(d.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("%w: user", ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("db: read user: %w", classify(err))
	}
	return u, nil
}

// UserByEmailTx is UserByEmail inside a write transaction, for a change that
// depends on the user's current state (disable only an active user). Returns
// ErrNotFound.
func UserByEmailTx(tx *sql.Tx, email string) (User, error) {
	u, err := scanUser(tx.QueryRow(`SELECT `+userColumns+` FROM users WHERE email = ?`, email))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("%w: user", ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("db: read user: %w", classify(err))
	}
	return u, nil
}

// User returns the user with that id, disabled or not. Returns ErrNotFound.
func (d *DB) User(ctx context.Context, id int64) (User, error) { return d.user(ctx, "id = ?", id) }

// UserByEmail returns the user with that email (any case), disabled or not.
// Returns ErrNotFound.
func (d *DB) UserByEmail(ctx context.Context, email string) (User, error) {
	return d.user(ctx, "email = ?", email)
}

// Users lists every user by email.
func (d *DB) Users(ctx context.Context) ([]User, error) {
	rows, err := d.read.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY email`)
	if err != nil {
		return nil, fmt.Errorf("db: list users: %w", classify(err))
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("db: list users: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("db: list users: %w", classify(err))
	}
	return out, nil
}

// AdminExists reports whether an active (not disabled) admin exists.
func (d *DB) AdminExists(ctx context.Context) (bool, error) {
	var n int
	if err := d.read.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL`).Scan(&n); err != nil {
		return false, fmt.Errorf("db: count admins: %w", classify(err))
	}
	return n > 0, nil
}
