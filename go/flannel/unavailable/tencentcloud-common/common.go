// Package common is rfo's stand-in for the Tencent Cloud SDK helpers that
// flannel's tencentvpc backend uses (see ../README.md).
package common

// StringPtr returns a pointer to s.
func StringPtr(s string) *string { return &s }

// StringPtrs returns pointers to each element of values.
func StringPtrs(values []string) []*string {
	out := make([]*string, len(values))
	for i := range values {
		out[i] = &values[i]
	}
	return out
}

// BoolPtr returns a pointer to b.
func BoolPtr(b bool) *bool { return &b }
