"""Text-conditioned latent diffusion of one-shots: text encoder, conditioning, retrieval, pipeline."""
