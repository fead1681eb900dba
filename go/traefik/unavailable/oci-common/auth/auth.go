// Package auth stands in for the Oracle Cloud SDK's auth package (see ..).
package auth

import "github.com/nrdcg/oci-go-sdk/common/v1065"

// InstancePrincipalConfigurationProviderForRegion always fails.
func InstancePrincipalConfigurationProviderForRegion(common.Region) (common.ConfigurationProvider, error) {
	return nil, common.ErrUnavailable
}
