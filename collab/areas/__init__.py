"""The administrative tree: Kota -> Kecamatan -> Kelurahan -> RW -> RT."""
