// Package session stands in for the EdgeGrid session package (see ../edgegrid).
package session

import "github.com/akamai/AkamaiOPEN-edgegrid-golang/v13/pkg/edgegrid"

// Session is an EdgeGrid API session; this stand-in never makes one.
type Session interface{ unavailable() }

// Option configures a session.
type Option func()

// WithSigner is accepted and ignored.
func WithSigner(any) Option { return func() {} }

// New always fails.
func New(...Option) (Session, error) { return nil, edgegrid.ErrUnavailable }
