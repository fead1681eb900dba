package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// The image carries Debian's iptables with both backends, and one directory
// of iptables/iptables-save/iptables-restore (and ip6tables) links per
// backend; PATH picks one. (rfo's image recipe writes these links.)
const iptablesModesDir = "/usr/lib/rfo-iptables"

// selectIptablesMode returns "nft" or "legacy": the value of IPTABLES_MODE
// when set, else the backend that holds more rules already (kube-proxy's and
// flannel's are written before any pod runs), nft on a tie (what
// iptables-wrapper and Debian/openEuler default to).
func selectIptablesMode(env string) (string, error) {
	switch env {
	case "nft", "legacy":
		return env, nil
	case "", "auto":
	default:
		return "", fmt.Errorf("IPTABLES_MODE=%q: want auto, nft or legacy", env)
	}
	legacy := countRules(iptablesModesDir+"/legacy/iptables-save") + countRules(iptablesModesDir+"/legacy/ip6tables-save")
	nft := countRules(iptablesModesDir+"/nft/iptables-save") + countRules(iptablesModesDir+"/nft/ip6tables-save")
	return chooseMode(legacy, nft), nil
}

func chooseMode(legacyRules, nftRules int) string {
	if legacyRules > nftRules {
		return "legacy"
	}
	return "nft"
}

// countRules counts the rules (-A lines) an iptables-save prints; 0 when it fails.
func countRules(save string) int {
	out, err := exec.Command(save).Output()
	if err != nil {
		return 0
	}
	return countRuleLines(out)
}

func countRuleLines(save []byte) int {
	n := 0
	for _, line := range bytes.Split(save, []byte("\n")) {
		if bytes.HasPrefix(line, []byte("-A ")) {
			n++
		}
	}
	return n
}

// useIptablesMode puts the chosen backend's links first on PATH: kube-router
// runs iptables, iptables-save, iptables-restore and ipset by name.
func useIptablesMode(mode string) error {
	dir := iptablesModesDir + "/" + mode
	if _, err := os.Stat(dir + "/iptables"); err != nil {
		return fmt.Errorf("iptables backend %s: %v (is this the rfo-network-policy image?)", mode, err)
	}
	path := os.Getenv("PATH")
	if path == "" {
		path = "/usr/sbin:/usr/bin:/sbin:/bin"
	}
	return os.Setenv("PATH", strings.Join([]string{dir, path}, ":"))
}
