package main

import (
	"context"
	"net"
)

type netConn = net.Conn

// dialUnix connects gRPC to the runtime's unix socket.
func dialUnix(ctx context.Context, path string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "unix", path)
}
