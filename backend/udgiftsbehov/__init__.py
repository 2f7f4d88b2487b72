"""Expected need (udgiftsbehov): stored model runs of the expected-need model."""
