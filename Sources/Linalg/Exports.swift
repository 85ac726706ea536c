// `Complex<Double>` appears in the public API (general eigenvalues), so its module is re-exported.
@_exported import ComplexModule
@_exported import RealModule
