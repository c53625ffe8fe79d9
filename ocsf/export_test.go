package ocsf

// SetTableOnly turns the generated encoders off, so that tests can compare
// their output with the codec tables'.
func SetTableOnly(v bool) { tableOnly = v }
