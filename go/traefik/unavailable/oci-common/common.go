// Package common stands in for the Oracle Cloud SDK's common package, which
// the module proxy does not serve (see ../../README.md). It has the names
// lego's oraclecloud ACME DNS provider uses; making a client fails, so a
// Traefik certificate resolver with provider "oraclecloud" reports it
// unavailable.
package common

import (
	"crypto/rsa"
	"errors"
	"net/http"
)

// ErrUnavailable is what this stand-in returns wherever the SDK would work.
var ErrUnavailable = errors.New("the Oracle Cloud DNS provider is not part of rfo's Traefik build (its SDK is not served by the Go module proxy)")

// AuthenticationType names how a configuration authenticates.
type AuthenticationType string

const (
	UserPrincipal             AuthenticationType = "user_principal"
	InstancePrincipal         AuthenticationType = "instance_principal"
	UnknownAuthenticationType AuthenticationType = "unknown_auth_type"
)

type AuthConfig struct {
	AuthType         AuthenticationType
	IsFromConfigFile bool
	OboToken         *string
}

// Region is an Oracle Cloud region name.
type Region string

// ConfigurationProvider supplies credentials and the region.
type ConfigurationProvider interface {
	PrivateRSAKey() (*rsa.PrivateKey, error)
	KeyID() (string, error)
	TenancyOCID() (string, error)
	UserOCID() (string, error)
	KeyFingerprint() (string, error)
	Region() (string, error)
	AuthType() (AuthConfig, error)
}

// HTTPRequestDispatcher sends a request (an *http.Client is one).
type HTTPRequestDispatcher interface {
	Do(*http.Request) (*http.Response, error)
}

// PrivateKeyFromBytesWithPassword always fails.
func PrivateKeyFromBytesWithPassword([]byte, []byte) (*rsa.PrivateKey, error) {
	return nil, ErrUnavailable
}

type unavailableProvider struct{}

// CustomProfileSessionTokenConfigProvider returns a provider whose every answer is an error.
func CustomProfileSessionTokenConfigProvider(string, string) ConfigurationProvider {
	return unavailableProvider{}
}

func (unavailableProvider) PrivateRSAKey() (*rsa.PrivateKey, error) { return nil, ErrUnavailable }
func (unavailableProvider) KeyID() (string, error)                  { return "", ErrUnavailable }
func (unavailableProvider) TenancyOCID() (string, error)            { return "", ErrUnavailable }
func (unavailableProvider) UserOCID() (string, error)               { return "", ErrUnavailable }
func (unavailableProvider) KeyFingerprint() (string, error)         { return "", ErrUnavailable }
func (unavailableProvider) Region() (string, error)                 { return "", ErrUnavailable }
func (unavailableProvider) AuthType() (AuthConfig, error) {
	return AuthConfig{AuthType: UnknownAuthenticationType}, ErrUnavailable
}
