// Package errors is rfo's stand-in for the Tencent Cloud SDK error type.
package errors

// TencentCloudSDKError is the SDK's API error type.
type TencentCloudSDKError struct {
	Code      string
	Message   string
	RequestId string
}

func (e *TencentCloudSDKError) Error() string { return e.Code + ": " + e.Message }
