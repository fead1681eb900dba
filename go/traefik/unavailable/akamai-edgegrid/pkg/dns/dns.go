// Package dns stands in for the EdgeDNS API client (see ../edgegrid): the
// request and record types lego's edgedns provider fills in, and a client
// whose every call fails.
package dns

import (
	"context"
	"fmt"

	"github.com/akamai/AkamaiOPEN-edgegrid-golang/v13/pkg/edgegrid"
	"github.com/akamai/AkamaiOPEN-edgegrid-golang/v13/pkg/session"
)

// RecordBody is a record set to create or update.
type RecordBody struct {
	Name       string
	RecordType string
	TTL        *int
	Active     bool
	Target     []string
}

type GetRecordRequest struct{ Zone, Name, RecordType string }

type GetRecordResponse struct {
	Name       string
	RecordType string
	TTL        int
	Active     bool
	Target     []string
}

type CreateRecordRequest struct {
	Record  *RecordBody
	Zone    string
	RecLock []bool
}

type UpdateRecordRequest struct {
	Record  *RecordBody
	Zone    string
	RecLock []bool
}

type DeleteRecordRequest struct {
	Zone, Name, RecordType string
	RecLock                []bool
}

// Error is an API error with its HTTP status.
type Error struct{ StatusCode int }

func (e *Error) Error() string { return fmt.Sprintf("EdgeDNS API error %d", e.StatusCode) }

// DNS is the EdgeDNS API.
type DNS interface {
	GetRecord(context.Context, GetRecordRequest) (*GetRecordResponse, error)
	CreateRecord(context.Context, CreateRecordRequest) error
	UpdateRecord(context.Context, UpdateRecordRequest) error
	DeleteRecord(context.Context, DeleteRecordRequest) error
}

type unavailable struct{}

// Client returns an API whose every call fails.
func Client(session.Session) DNS { return unavailable{} }

func (unavailable) GetRecord(context.Context, GetRecordRequest) (*GetRecordResponse, error) {
	return nil, edgegrid.ErrUnavailable
}

func (unavailable) CreateRecord(context.Context, CreateRecordRequest) error { return edgegrid.ErrUnavailable }

func (unavailable) UpdateRecord(context.Context, UpdateRecordRequest) error { return edgegrid.ErrUnavailable }

func (unavailable) DeleteRecord(context.Context, DeleteRecordRequest) error { return edgegrid.ErrUnavailable }
