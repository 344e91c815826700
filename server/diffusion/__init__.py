"""Text-conditioned latent diffusion of one-shots: text, conditioning, retrieval, pipeline."""
