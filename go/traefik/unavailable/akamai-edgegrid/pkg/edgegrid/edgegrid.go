// Package edgegrid stands in for the Akamai EdgeGrid client, which the module
// proxy does not serve (see ../../../README.md). It has the names lego's
// edgedns ACME DNS provider uses; loading credentials fails, so a Traefik
// certificate resolver with provider "edgedns" reports it unavailable.
package edgegrid

import "errors"

// ErrUnavailable is what every call of this stand-in returns.
var ErrUnavailable = errors.New("the Akamai EdgeDNS provider is not part of rfo's Traefik build (its SDK is not served by the Go module proxy)")

// Config holds EdgeGrid credentials (never filled in by this stand-in).
type Config struct {
	Host         string
	ClientToken  string
	ClientSecret string
	AccessToken  string
	AccountKey   string
	MaxBody      int
}

// Option changes how New loads a Config.
type Option func(*Config)

// New always fails: there is no EdgeGrid client in this build.
func New(...Option) (*Config, error) { return nil, ErrUnavailable }

// WithEnv, WithFile and WithSection are accepted and ignored.
func WithEnv(bool) Option { return func(*Config) {} }

func WithFile(string) Option { return func(*Config) {} }

func WithSection(string) Option { return func(*Config) {} }

// Validate always fails, so a provider configured in code is refused too.
func (*Config) Validate() error { return ErrUnavailable }
