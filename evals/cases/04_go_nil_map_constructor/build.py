"""Case 04: agents cannot join in a fresh region; Register panics on a nil map that New no longer makes."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import fixtures  # noqa: E402
from fixtures import history  # noqa: E402

REGISTRY_V1 = '''package registry

import (
	"sync"
	"time"
)

// Node is an agent that joined the fleet.
type Node struct {
	ID       string
	Addr     string
	JoinedAt time.Time
}

// Registry holds the fleet's nodes.
type Registry struct {
	mu    sync.Mutex
	nodes map[string]Node
}

// New returns an empty registry.
func New() *Registry {
	return &Registry{nodes: make(map[string]Node)}
}

// Register adds or replaces a node.
func (r *Registry) Register(n Node) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n.JoinedAt = time.Now()
	r.nodes[n.ID] = n
}
'''

REGISTRY_V2 = REGISTRY_V1.replace('''// New returns an empty registry.
func New() *Registry {
	return &Registry{nodes: make(map[string]Node)}
}''', '''// New returns the registry saved in the last snapshot (empty when there is none).
func New(snap *Snapshot) *Registry {
	return &Registry{nodes: snap.Nodes}
}''')

SNAPSHOT = '''package registry

import (
	"encoding/json"
	"errors"
	"os"
)

// Snapshot is the registry as saved on disk every minute.
type Snapshot struct {
	Nodes map[string]Node `json:"nodes"`
}

// LoadSnapshot reads path; a missing file is an empty snapshot.
func LoadSnapshot(path string) (*Snapshot, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return &Snapshot{}, nil
	}
	if err != nil {
		return nil, err
	}
	var s Snapshot
	return &s, json.Unmarshal(data, &s)
}
'''

SERVER_V1 = '''package agent

import (
	"encoding/json"
	"net/http"

	"github.com/acme/fleet/internal/registry"
)

// Server is the control plane's agent API.
type Server struct {
	reg *registry.Registry
}

func (s *Server) handleJoin(w http.ResponseWriter, r *http.Request) {
	var n registry.Node
	if err := json.NewDecoder(r.Body).Decode(&n); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.reg.Register(n)
	w.WriteHeader(http.StatusNoContent)
}
'''

SERVER_V2 = SERVER_V1.replace("	s.reg.Register(n)\n", '	if n.ID == "" {\n		http.Error(w, "missing id", http.StatusBadRequest)\n		return\n	}\n	s.reg.Register(n)\n')

MAIN_V1 = '''package main

import (
	"net/http"

	"github.com/acme/fleet/internal/agent"
	"github.com/acme/fleet/internal/registry"
)

func main() {
	srv := agent.NewServer(registry.New())
	http.ListenAndServe(":7400", srv)
}
'''

MAIN_V2 = '''package main

import (
	"log"
	"net/http"

	"github.com/acme/fleet/internal/agent"
	"github.com/acme/fleet/internal/registry"
)

func main() {
	snap, err := registry.LoadSnapshot("/var/lib/fleet/registry.json")
	if err != nil {
		log.Fatal(err)
	}
	srv := agent.NewServer(registry.New(snap))
	http.ListenAndServe(":7400", srv)
}
'''


def build(dest: Path) -> None:
    history(dest, [
        ("Ravi Iyer", "2026-07-01T09:00:00+00:00", "Fleet control plane: agent join API",
         {"go.mod": "module github.com/acme/fleet\n\ngo 1.22\n", "internal/registry/registry.go": REGISTRY_V1,
          "internal/agent/server.go": SERVER_V1, "cmd/fleetd/main.go": MAIN_V1}),
        ("Sofia Lindqvist", "2026-07-20T11:00:00+00:00", "Build the registry from the last snapshot on start",
         {"internal/registry/registry.go": REGISTRY_V2, "internal/registry/snapshot.go": SNAPSHOT,
          "cmd/fleetd/main.go": MAIN_V2}),
        ("Ravi Iyer", "2026-07-22T14:30:00+00:00", "Reject join requests without a node id",
         {"internal/agent/server.go": SERVER_V2}),
    ])


if __name__ == "__main__":
    fixtures.cli(build)
