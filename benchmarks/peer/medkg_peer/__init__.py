"""The LinkML + pySHACL peer of medkg's benchmark: medkg's facts files done the LinkML way."""
