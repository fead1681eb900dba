// Package ext stands in for github.com/traefik/traefik/dynamic/ext, a nested
// module of the Traefik repository that the module proxy does not serve (see
// ../README.md). Traefik's dynamic configuration embeds these two types
// (dynamic.HTTPConfiguration and dynamic.Router) as an extension point for
// builds that add fields; the open-source build adds none, so both are empty
// and the configuration Traefik reads and writes is unchanged.
package ext

// HTTP is embedded, inline, in Traefik's HTTP dynamic configuration.
type HTTP struct{}

// Router is embedded, inline, in each HTTP router's configuration.
type Router struct{}
