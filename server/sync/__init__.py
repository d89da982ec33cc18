"""The live path, in the order a frame takes it: endpoint → protocol → rooms → bus.

``endpoint`` authorises a WebSocket and hands it to its room; ``wsfast`` splits and
unmasks frames; ``protocol`` decodes them; ``rooms`` applies, fans out and stores;
``pacing`` decides when a client is written; ``bus`` carries updates between processes.
"""
