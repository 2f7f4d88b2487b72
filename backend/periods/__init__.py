"""Reporting periods (indberetningsperioder): what each rammeaftale reports into, and by when."""
