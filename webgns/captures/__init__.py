"""Packet captures on link ends: the record, the API, the decoding of what was captured.

Division of labour: the web tier (this app) records what a user asked (a `Capture`), validates the
capture filter with libpcap, and reads back the pcapng file the worker writes, decoding it with
Wireshark's own `tshark`. The worker (`webgns.tasks.capture_tasks`) opens the packet socket and
writes the file. They meet in three places only: the database row, the file under
`WEBGNS_CAPTURE_DIR`, and the Redis keys/channel group named in `signals_keys`.
"""
