"""One-shots to a compact latent and back: log-magnitude STFT, a PCA patch autoencoder, and a
learned decoder to magnitude and phase (Griffin-Lim for folders without one)."""
