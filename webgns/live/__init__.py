"""Live state and web terminals: Channels consumers for the events and console websockets."""
