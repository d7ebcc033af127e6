"""feedbot core: platform-agnostic continuous feedback (never imports an adapter or a chat SDK)."""
