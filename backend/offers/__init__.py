"""The offer registry (tilbud): Bilag 1 til rammeaftalen."""
