package daemon

import "fmt"

// Role is what a daemon does among several sharing a database.
type Role string

// The roles a daemon can take (`wirefeed run -role`).
const (
	// RoleAll serves the site and pulls partners (one daemon at a time
	// pulls on schedule: see the scheduler lease).
	RoleAll Role = "all"
	// RoleServe serves the site and never pulls on schedule.
	RoleServe Role = "serve"
	// RolePull pulls partners and answers only the operator's endpoints
	// (/healthz, /readyz, /metrics, /status), not the site.
	RolePull Role = "pull"
)

// ParseRole reads a role's name.
func ParseRole(name string) (Role, error) {
	switch r := Role(name); r {
	case RoleAll, RoleServe, RolePull:
		return r, nil
	}
	return "", fmt.Errorf("unknown role %q: want all, serve or pull", name)
}
