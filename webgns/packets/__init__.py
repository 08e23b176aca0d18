"""Packet formats shared by the engine and the web tier: BPF compilation (libpcap) and pcapng.

Division of labour: nothing here touches the host's state. `bpf` turns a capture filter into
kernel BPF instructions (the API validates with it, the engine attaches what it returns);
`pcapng` writes the file the engine captures into and reads its blocks back for the web tier.
"""
