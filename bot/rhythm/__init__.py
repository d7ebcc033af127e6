"""The rhythm: recording what is due at a tick under exactly-once keys, sending the outbox, and the scheduler that
only triggers them. It knows no feature: the due finders come from Deps."""
