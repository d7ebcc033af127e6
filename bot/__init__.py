"""feedbot's platform-free core: features, the kernel they share and the rhythm (never imports an adapter or a chat
SDK)."""
