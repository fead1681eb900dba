// TOML basic strings ("...") escape `"`, `\` and control characters the way
// JSON does (\", \\, \n, \uXXXX), so JSON.stringify writes a valid one for
// every well-formed string. Shared by the containerd renderers, which write
// their TOML by hand (README "Dependencies": no TOML library for two files).

export const tomlString = (s: string): string => JSON.stringify(s);
