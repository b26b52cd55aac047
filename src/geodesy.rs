//! Latitude/longitude (WGS84/ETRS89) to British National Grid eastings and northings.
