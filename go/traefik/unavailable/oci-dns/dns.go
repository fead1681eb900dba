// Package dns stands in for the Oracle Cloud DNS client (see the common
// stand-in): the request types lego's oraclecloud provider fills in, and a
// client that cannot be made.
package dns

import (
	"context"

	"github.com/nrdcg/oci-go-sdk/common/v1065"
)

type RecordOperationOperationEnum string

const RecordOperationOperationRemove RecordOperationOperationEnum = "REMOVE"

type RecordOperation struct {
	Domain      *string
	RecordHash  *string
	IsProtected *bool
	Rdata       *string
	Rtype       *string
	Ttl         *int
	Operation   RecordOperationOperationEnum
}

type PatchDomainRecordsDetails struct{ Items []RecordOperation }

type PatchDomainRecordsRequest struct {
	ZoneNameOrId              *string
	Domain                    *string
	PatchDomainRecordsDetails PatchDomainRecordsDetails
	CompartmentId             *string
}

type PatchDomainRecordsResponse struct{}

type GetDomainRecordsRequest struct {
	ZoneNameOrId  *string
	Domain        *string
	CompartmentId *string
	Rtype         *string
}

type Record struct {
	Rdata      *string
	RecordHash *string
}

type GetDomainRecordsResponse struct {
	OpcTotalItems *int
	Items         []Record
}

// DnsClient is the DNS API client; this stand-in never makes one.
type DnsClient struct {
	HTTPClient common.HTTPRequestDispatcher
}

// NewDnsClientWithConfigurationProvider always fails.
func NewDnsClientWithConfigurationProvider(common.ConfigurationProvider) (DnsClient, error) {
	return DnsClient{}, common.ErrUnavailable
}

func (DnsClient) PatchDomainRecords(context.Context, PatchDomainRecordsRequest) (PatchDomainRecordsResponse, error) {
	return PatchDomainRecordsResponse{}, common.ErrUnavailable
}

func (DnsClient) GetDomainRecords(context.Context, GetDomainRecordsRequest) (GetDomainRecordsResponse, error) {
	return GetDomainRecordsResponse{}, common.ErrUnavailable
}
