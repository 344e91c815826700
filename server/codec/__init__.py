"""One-shots to a compact latent and back: log-magnitude STFT, an autoencoder, Griffin-Lim phase."""
