"""Midtjylland demo data: users and the published 2016-2017 place counts."""
