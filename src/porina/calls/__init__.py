"""One-to-one video and voice calls (WebRTC): who may call whom, the call's states, and the
signals (offer, answer, ICE candidates) relayed over the other side's streaming connection.
No media passes through Porina (docs/calls.md)."""
