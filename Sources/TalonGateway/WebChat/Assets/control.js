// Control UI panels (sessions, channels, pairing, MCTL connect, MCP, incidents); filled in with the Control UI.
